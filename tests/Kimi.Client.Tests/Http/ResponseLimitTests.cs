using System.Text;
using Kimi.Client.Tests.Content;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Streaming;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Http;

/// <summary>
/// A hostile or broken server cannot make the client hold unbounded memory (issue 11 item 1, conformance 43): a huge body
/// or a huge stream event stops at the configured limit with a typed error, and what the process allocates is measured.
/// </summary>
[Collection(nameof(AllocationMeasurements))]
public class ResponseLimitTests
{
    private const long Limit = 1024 * 1024;
    private const long Huge = 512L * 1024 * 1024;
    private static readonly byte[] Filler = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));

    private static KimiClient Client(LoopbackServer server, Action<KimiClientOptions>? configure = null) => TestClients.For(KimiProvider.Moonshot, server.Url, o =>
    {
        o.Limits.MaxResponseBytes = Limit;
        o.Limits.MaxStreamEventBytes = Limit;
        configure?.Invoke(o);
    });

    // Writes up to 512 MB of one JSON string (or SSE line) until the client goes away; the filler is reused, so the server allocates little.
    private static async Task WriteHugeAsync(HttpContext context, string prefix)
    {
        await context.Response.WriteAsync(prefix, context.RequestAborted);
        for (long sent = 0; sent < Huge && !context.RequestAborted.IsCancellationRequested; sent += Filler.Length)
        {
            await context.Response.Body.WriteAsync(Filler, context.RequestAborted);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_512_MB_body_stops_at_the_limit_with_a_typed_error_and_bounded_allocations()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            await WriteHugeAsync(context, """{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":" """);
        });
        using var client = Client(server);
        await client.CompleteAsync("warm up", cancellationToken: TestContext.Current.CancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<KimiResponseTooLargeException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal(Limit, ex.Limit);
        Assert.Contains("larger than 1 MiB", ex.Message);
        Assert.Contains("KimiClientOptions.Limits.MaxResponseBytes", ex.Message);
        Assert.True(allocated < Limit + (2 * 1024 * 1024), $"Reading a 512 MB body with a 1 MiB limit allocated {allocated:N0} bytes.");
        TestContext.Current.SendDiagnosticMessage($"512 MB body, 1 MiB limit: {allocated:N0} bytes allocated.");
    }

    [Fact(Timeout = 30_000)]
    public async Task A_body_announced_larger_than_the_limit_is_refused_before_reading()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Huge;
            await context.Response.Body.WriteAsync(Filler, context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        using var client = Client(server);

        var ex = await Assert.ThrowsAsync<KimiResponseTooLargeException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("MaxResponseBytes", ex.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_512_MB_stream_line_stops_at_the_limit_with_the_partial_result_and_bounded_allocations()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n", context.RequestAborted);
            await WriteHugeAsync(context, "data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"");
        });
        using var client = Client(server);
        await StreamReplay.CollectAsync(client.StreamAsync("warm up", cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)
            .ContinueWith(_ => { }, TaskScheduler.Default);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var ex = await Assert.ThrowsAsync<KimiResponseTooLargeException>(async () =>
        {
            await foreach (var _ in client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal("Hello", ex.PartialCompletion!.Text);
        Assert.Contains("stream event larger than 1 MiB", ex.Message);
        Assert.Contains("MaxStreamEventBytes", ex.Message);
        // The SSE parser grows its line buffer by doubling, so an event near the limit costs up to twice the limit.
        Assert.True(allocated < (2 * Limit) + (2 * 1024 * 1024), $"Reading a 512 MB stream line with a 1 MiB limit allocated {allocated:N0} bytes.");
        TestContext.Current.SendDiagnosticMessage($"512 MB stream line, 1 MiB limit: {allocated:N0} bytes allocated.");
    }

    [Fact(Timeout = 30_000)]
    public async Task Endless_keep_alive_comments_end_at_the_total_stream_limit_not_never()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n", context.RequestAborted);
            while (!context.RequestAborted.IsCancellationRequested)
            {
                await context.Response.WriteAsync(": keep-alive\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(20, context.RequestAborted);
            }
        });
        using var client = Client(server, o =>
        {
            o.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(200); // comments keep resetting it
            o.Resilience.StreamTimeout = TimeSpan.FromMilliseconds(800);
        });

        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(async () =>
        {
            await foreach (var _ in client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal(TimeSpan.FromMilliseconds(800), ex.Timeout);
        Assert.Contains("Resilience.StreamTimeout", ex.Message);
        Assert.Equal("Hi", ex.PartialCompletion!.Text);
    }

    [Fact]
    public void A_whole_stream_has_a_total_limit_by_default()
    {
        Assert.Equal(TimeSpan.FromHours(1), new KimiResilienceOptions().StreamTimeout);
    }
}
