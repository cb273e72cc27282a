using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// What a stream timeout tells the caller besides its type: the request id (conformance 32) when the host sent one, and
/// none invented when it did not. A loopback server sends one chunk, then goes silent past a short idle limit.
/// </summary>
public class StreamTimeoutDetailsTests
{
    private const string Chunk =
        """data: {"id":"t","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"content":"Par"},"finish_reason":null}]}""" + "\n\n";

    private static async Task<KimiTimeoutException> GoSilentAsync(string? requestId, CancellationToken cancellationToken)
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (requestId is not null)
            {
                context.Response.Headers["x-request-id"] = requestId;
            }

            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(Chunk, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
        });
        var options = TestClients.Options(KimiProvider.Moonshot, server.Url);
        options.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(400);
        options.Resilience.FirstChunkTimeout = TimeSpan.FromSeconds(5);
        using var client = new KimiClient(options);

        return await Assert.ThrowsAsync<KimiTimeoutException>(
            async () => await StreamReplay.CollectAsync(client.StreamAsync("Hello", cancellationToken: cancellationToken), cancellationToken));
    }

    [Fact(Timeout = 20_000)]
    public async Task An_idle_timeout_names_the_request_id()
    {
        var exception = await GoSilentAsync("req-idle-1", TestContext.Current.CancellationToken);

        Assert.Equal("req-idle-1", exception.RequestId);
        Assert.Contains("Resilience.IdleTimeout", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith(" Request id: req-idle-1.", exception.Message, StringComparison.Ordinal);
        Assert.Equal("Par", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 20_000)]
    public async Task An_idle_timeout_without_a_request_id_does_not_mention_one()
    {
        var exception = await GoSilentAsync(null, TestContext.Current.CancellationToken);

        Assert.Null(exception.RequestId);
        Assert.DoesNotContain("Request id", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith("raise the limit in KimiClientOptions.Resilience or retry.", exception.Message, StringComparison.Ordinal);
    }
}
