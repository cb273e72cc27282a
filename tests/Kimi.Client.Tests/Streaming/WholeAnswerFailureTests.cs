using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// A non-streamed answer whose body cannot be read (too large, or paused past the idle limit) is a typed error whose message
/// names the limit that stopped it, the setting to raise, and the request id to quote when the host sent one.
/// </summary>
public class WholeAnswerFailureTests
{
    private static WireMockServer ServeLarge(int bytes, string? requestId)
    {
        var server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("""{"id":"w","choices":[{"index":0,"message":{"role":"assistant","content":" """ + new string('x', bytes) + "\"}}]}");
        if (requestId is not null)
        {
            response = response.WithHeader("x-request-id", requestId);
        }

        server.Given(Request.Create().UsingPost()).RespondWith(response);
        return server;
    }

    [Theory(Timeout = 30_000)]
    [InlineData(2_048, "2048 bytes", null)]
    [InlineData(2 * 1024 * 1024, "2 MiB", "req-large-1")]
    [InlineData(3 * 512 * 1024, "1572864 bytes", null)]
    public async Task A_body_over_the_size_limit_names_the_limit_the_setting_and_the_request_id(long limit, string size, string? requestId)
    {
        using var server = ServeLarge((int)limit + 4_096, requestId);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!, o => o.Limits.MaxResponseBytes = limit);

        var exception = await Assert.ThrowsAsync<KimiResponseTooLargeException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(limit, exception.Limit);
        Assert.Equal(requestId, exception.RequestId);
        Assert.StartsWith($"Moonshot sent a response larger than {size}; reading stopped there. Raise KimiClientOptions.Limits.MaxResponseBytes ", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            "if the answer is really that large, or check KimiClientOptions.Endpoint." + (requestId is null ? string.Empty : $" Request id: {requestId}."),
            exception.Message,
            StringComparison.Ordinal);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(null)]
    [InlineData("req-stalled-1")]
    public async Task A_body_that_pauses_past_the_idle_limit_names_IdleTimeout_and_the_request_id(string? requestId)
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            if (requestId is not null)
            {
                context.Response.Headers["x-request-id"] = requestId;
            }

            await context.Response.WriteAsync("""{"id":"w","choices":[""", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o =>
        {
            o.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(300);
            o.Resilience.FirstChunkTimeout = TimeSpan.FromSeconds(60);
        });

        var exception = await Assert.ThrowsAsync<KimiTimeoutException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(TimeSpan.FromMilliseconds(300), exception.Timeout);
        Assert.Equal(
            "Moonshot sent the response headers but the body paused for 0.3 s. Retry, or raise KimiClientOptions.Resilience.IdleTimeout." +
            (requestId is null ? string.Empty : $" Request id: {requestId}."),
            exception.Message);
    }
}
