using System.Buffers;
using Kimi.Client.Http;
using Kimi.Client.Serialization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// A request the JSON writer refuses while the body is buffered (an additional property holding NaN, which JSON has no
/// number for) fails with the writer's own exception and nothing is sent; the client stays usable, and the pooled body
/// buffer goes back to the pool.
/// </summary>
public class UnwritableRequestTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_NaN_additional_property_fails_with_the_writers_exception_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["repetition_penalty"] = double.NaN;

        // Exactly ArgumentException: the writer's error must not be swallowed into a later NullReferenceException.
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken));
        Assert.Contains("JSON", error.Message);
        Assert.Equal(0, server.RequestCount);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("Paris.", completion.Text);
        Assert.Equal(1, server.RequestCount);
    }

    [Fact]
    public void The_body_buffer_goes_back_to_the_pool_when_writing_fails()
    {
        var settings = new ClientSettings(new KimiClientOptions { Provider = KimiProvider.Vllm, ApiKey = "k", Endpoint = new Uri("http://127.0.0.1:9/v1") });
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["repetition_penalty"] = double.NaN;
        var request = ChatRequest.Create(settings, [KimiMessage.User("Hi")], options, stream: false, NullLogger.Instance);

        // The shared pool keeps the last array returned on this thread and rents it out first: the writer's buffer is this
        // one, and after a failed write it must be the one handed out again (not one the failed write kept).
        var pooled = ArrayPool<byte>.Shared.Rent(32 * 1024);
        ArrayPool<byte>.Shared.Return(pooled);

        Assert.Throws<ArgumentException>(() => ChatRequestWriter.WriteToBuffer(request));

        var next = ArrayPool<byte>.Shared.Rent(32 * 1024);
        ArrayPool<byte>.Shared.Return(next);
        Assert.Same(pooled, next);
    }
}
