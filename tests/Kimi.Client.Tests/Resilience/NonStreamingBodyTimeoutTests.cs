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

    // The idle limit is armed by the first read that has to wait, then restarted before every read: a body whose pauses are
    // each under the limit is read whole however long it takes in all (a limit armed once, for the first wait, would end it).
    [Fact(Timeout = 30_000)]
    public async Task A_non_streaming_body_that_pauses_under_the_idle_limit_each_time_is_read_whole_though_it_takes_longer_in_all()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] pieces =
        [
            """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hal""",
            """lo, """,
            """Welt""",
            """!"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}""",
        ];
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            for (var i = 0; i < pieces.Length; i++)
            {
                if (i > 0)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), context.RequestAborted); // each pause half the limit; three of them outlast it
                }

                await context.Response.WriteAsync(pieces[i], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, configure: o => o.Resilience.IdleTimeout = TimeSpan.FromSeconds(2));

        var completion = await client.CompleteAsync("Hello", cancellationToken: ct);

        Assert.Equal("Hallo, Welt!", completion.Text);
        Assert.Equal(FinishReason.Stop, completion.FinishReason);
        var attempt = Assert.Single(completion.Attempts);
        Assert.Equal(HttpStatusCode.OK, attempt.Status);
    }
}
