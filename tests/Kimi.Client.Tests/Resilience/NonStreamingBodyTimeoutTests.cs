using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Resilience;

public class NonStreamingBodyTimeoutTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_non_streaming_body_that_stalls_after_the_headers_times_out_with_the_idle_limit()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.Headers["x-request-id"] = "req-stall";
            await context.Response.WriteAsync("""{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"Hal""", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted); // never finishes the body
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, configure: o => o.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(300));

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => client.CompleteAsync("Hello", cancellationToken: ct));

        Assert.Equal(TimeSpan.FromMilliseconds(300), ex.Timeout);
        Assert.Equal("req-stall", ex.RequestId);
        Assert.Contains("IdleTimeout", ex.Message, StringComparison.Ordinal);
        Assert.Single(ex.Attempts);
        Assert.Equal(HttpStatusCode.OK, ex.Attempts[0].Status);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the stall must end at the idle limit, not the server's pace");
    }
}
