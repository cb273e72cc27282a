using Kimi.Client.Tests.Infrastructure;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>300 concurrent streams with random cancellations: afterwards nothing is in flight on the server and memory is back near its baseline.</summary>
public class SoakTests
{
    [Fact(Timeout = 30_000)]
    public async Task Three_hundred_concurrent_streams_with_random_cancellations_leave_nothing_behind()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FaultServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < 20; i++)
            {
                await WriteAsync(context, [Hello1], TimeSpan.FromMilliseconds(5));
            }

            await WriteAsync(context, [Hello2, Done]);
        });
        var options = TestClients.Options(KimiProvider.Moonshot, server.Server.Url);
        options.Resilience = new KimiResilienceOptions { MaxAttempts = 1 };
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMilliseconds(200) }) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new KimiClient(http, options);

        async Task<int> RunAsync(int seed)
        {
            var random = new Random(seed);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (random.Next(3) == 0)
            {
                cts.CancelAfter(random.Next(1, 80));
            }

            try
            {
                var completion = await StreamAsync(client, cts.Token);
                Assert.Equal(string.Concat(Enumerable.Repeat("Hel", 20)) + "lo", completion.Text);
                return 1;
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                return 0;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 20).Select(RunAsync)); // warm-up: JIT, pools
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        var completed = (await Task.WhenAll(Enumerable.Range(0, 300).Select(RunAsync))).Sum();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.InFlight > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, ct);
        }

        Assert.Equal(0, server.InFlight);
        Assert.InRange(server.Requests, 200, 320); // some were cancelled before they were sent
        Assert.InRange(completed, 100, 300);
        await Task.Delay(400, ct); // idle connections expire
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.True(after - baseline < 16 * 1024 * 1024, $"managed memory grew by {(after - baseline) / 1024} KB");
    }
}
