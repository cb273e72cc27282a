using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Resilience;

/// <summary>Bodies that stop after the headers: bounded by IdleTimeout, never by the whole call budget.</summary>
public class StalledAndCutBodyTests
{
    [Theory(Timeout = 10_000)]
    [InlineData(400, false)]
    [InlineData(500, false)]
    [InlineData(400, true)]
    public async Task An_error_body_that_stalls_ends_the_call_at_the_idle_limit_with_the_statuss_exception(int status, bool stream)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":{"message":"half""", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, configure: o =>
        {
            o.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(300);
            o.Resilience.TotalTimeout = TimeSpan.FromSeconds(30);
        });

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAnyAsync<KimiApiException>(async () =>
        {
            if (stream)
            {
                await foreach (var _ in client.StreamAsync("Hi", cancellationToken: ct))
                {
                }
            }
            else
            {
                await client.CompleteAsync("Hi", cancellationToken: ct);
            }
        });

        Assert.Equal((HttpStatusCode)status, ex.Status);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "a stalled error body must not hold the call for its whole budget");
    }

    [Fact(Timeout = 10_000)]
    public async Task A_non_streaming_body_cut_by_the_server_is_a_connection_exception_with_the_attempts()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 4_000;
            await context.Response.WriteAsync("""{"id":"c1","choices":[{"index":0,"message":{"content":"Hal""", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(100, context.RequestAborted);
            context.Abort();
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var ex = await Assert.ThrowsAsync<KimiConnectionException>(() => client.CompleteAsync("Hi", cancellationToken: ct));

        Assert.Contains("while reading the response", ex.Message, StringComparison.Ordinal);
        Assert.Single(ex.Attempts);
        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }
}
