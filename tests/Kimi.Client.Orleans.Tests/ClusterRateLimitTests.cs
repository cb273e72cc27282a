using System.Security.Cryptography;
using System.Text;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// The client-side rate limits are one limit for the cluster, not one per silo: the emulator never sees more requests at once
/// than the limit, the requests granted in a minute add up across silos, and a slot held by a silo that dies is free again once
/// its lease expires.
/// </summary>
/// <remarks>
/// The silos of a test cluster share one process, and the in-process limiter is shared by every client in a process with the
/// same host, URL and key. So the runs without the cluster limiter give each silo a key of its own: each silo then has its own
/// limiter, as silos in separate processes would.
/// </remarks>
public class ClusterRateLimitTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task With_two_requests_at_once_allowed_a_swarm_on_three_silos_never_has_more_than_two_at_the_host_and_without_the_cluster_limiter_it_has_more()
    {
        var ct = TestContext.Current.CancellationToken;

        var shared = await RunSwarmAsync(share: true, ct);
        var perSilo = await RunSwarmAsync(share: false, ct);

        output.WriteLine($"most requests at once at the emulator: {shared} with the cluster limiter, {perSilo} with one limiter per silo");
        Assert.InRange(shared, 1, 2);
        Assert.True(perSilo > 2, $"Without the cluster limiter the emulator saw at most {perSilo} requests at once: the test could not tell the limiters apart.");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_requests_per_minute_limit_is_one_budget_for_every_silo_and_without_the_cluster_limiter_each_silo_spends_its_own()
    {
        var ct = TestContext.Current.CancellationToken;

        var shared = await SendFromEverySiloAsync(share: true, ct);
        var perSilo = await SendFromEverySiloAsync(share: false, ct);

        Assert.Equal((2, 7), shared); // 9 calls, 2 per minute for the whole cluster
        Assert.Equal((6, 3), perSilo); // 2 per minute on each of 3 silos
    }

    [Fact(Timeout = 180_000)]
    public async Task A_slot_held_by_a_killed_silo_is_free_again_once_its_lease_expires()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var world = new ClusterWorld(new EmulatorSwarmScript(1, _ => 1));
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { },
            client: (_, options) => options.RateLimit.MaxConcurrentRequests = 1,
            services: services => services.Configure<KimiClusterRateLimiterOptions>(options =>
            {
                options.LeaseDuration = TimeSpan.FromSeconds(3);
                options.MaxPollInterval = TimeSpan.FromMilliseconds(100);
            }));
        var grain = cluster.Cluster.Client.GetGrain<IKimiRateLimitGrain>(PartitionKey(world));
        var home = (await grain.GetStatusAsync()).Silo; // the limits live there: kill another silo, so the grain itself survives
        var victim = cluster.Cluster.Silos.First(s => s.Name != home).Name;
        var survivor = cluster.Cluster.Silos.First(s => s.Name != victim).Name;

        // The victim takes the only slot with a call the emulator never answers.
        world.Emulator.Enqueue(new EmulatorReply { Text = "never", Delay = TimeSpan.FromMinutes(10) });
        using var abandoned = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _ = cluster.Client(victim).CompleteAsync("I hold the only slot.", cancellationToken: abandoned.Token);
        await RateLimitWait.UntilAsync(async () => world.Emulator.RequestsInFlight == 1 && (await grain.GetStatusAsync()).SlotsInUse == 1, ct);

        // Another silo's call waits in line for it; nothing more reaches the host.
        var waiting = cluster.Client(survivor).CompleteAsync("I wait for the slot.", cancellationToken: ct);
        await RateLimitWait.UntilAsync(async () => (await grain.GetStatusAsync()).Queued == 1, ct);
        Assert.Single(ChatRequests(world));
        Assert.False(waiting.IsCompleted);

        await cluster.KillAsync(victim);
        var completion = await waiting;

        var status = await grain.GetStatusAsync();
        output.WriteLine($"after the kill of {victim}: {status}");
        Assert.Equal("Emulated Kimi answer: I wait for the slot.", completion.Text);
        Assert.Equal(1, status.Expired); // the victim's lease ran out: nobody released it
        Assert.Equal(home, status.Silo);
        Assert.Equal(2, ChatRequests(world).Count);
        await abandoned.CancelAsync();
    }

    /// <summary>Runs a swarm of 12 sub-agents (3 model calls each) on 3 silos with 2 requests at once allowed; the most the emulator saw at once.</summary>
    private async Task<int> RunSwarmAsync(bool share, CancellationToken cancellationToken)
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(12, _ => 2) { SubTaskTools = ClusterWorld.ToolNames });
        var script = world.Script;
        world.Emulator.Responder = request => script.Reply(request) is { } reply ? Slow(reply) : null; // answers that take a while, so calls overlap
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { },
            client: (silo, options) =>
            {
                options.RateLimit.MaxConcurrentRequests = 2;
                options.ApiKey = share ? SwarmTestCluster.ApiKey : $"{SwarmTestCluster.ApiKey}-{silo}";
            },
            swarmCluster: swarm => swarm.ShareRateLimits = share);

        var result = await cluster.Swarm.RunAsync($"swarm-limits-{share}", ClusterWorld.Conversation(), cancellationToken);

        output.WriteLine($"{result}; calls per silo: {string.Join(", ", world.Calls.Select(p => $"{p.Key}={p.Value}"))}");
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.All(result.SubAgents, s => Assert.True(s.Completed, s.ToString()));
        Assert.Equal(script.Requests, result.Steps);
        Assert.True(world.Calls.Count >= 2, "The model calls all came from one silo: nothing to share.");
        if (share)
        {
            // Every lease went back when its call ended (none had to expire), and the grain holds the client's limit.
            var grain = cluster.Cluster.Client.GetGrain<IKimiRateLimitGrain>(PartitionKey(world));
            await RateLimitWait.UntilAsync(async () => (await grain.GetStatusAsync()).Leases == 0, cancellationToken);
            var status = await grain.GetStatusAsync();
            Assert.Equal(2, status.Limits!.MaxConcurrentRequests);
            Assert.Equal((0, 0, 0), (status.SlotsInUse, status.Queued, status.Expired));
        }

        return world.Emulator.MaxRequestsInFlight;
    }

    /// <summary>Sends 3 calls from each of the 3 silos at once, 2 requests per minute allowed; how many were sent and how many refused.</summary>
    private async Task<(int Sent, int Refused)> SendFromEverySiloAsync(bool share, CancellationToken cancellationToken)
    {
        var clock = new FakeTimeProvider(); // the cluster's budgets do not refill while the test runs
        await using var world = new ClusterWorld(new EmulatorSwarmScript(1, _ => 1));
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { },
            client: (silo, options) =>
            {
                options.RateLimit.RequestsPerMinute = 2;
                options.Resilience.TotalTimeout = TimeSpan.FromSeconds(20); // a wait of 30 s for the next request is refused at once
                options.ApiKey = share ? SwarmTestCluster.ApiKey : $"{SwarmTestCluster.ApiKey}-{silo}";
            },
            swarmCluster: swarm => swarm.ShareRateLimits = share,
            services: services => services.Configure<KimiClusterRateLimiterOptions>(options => options.TimeProvider = clock));

        var calls = cluster.Cluster.Silos.SelectMany(silo => Enumerable.Range(1, 3).Select(async n =>
        {
            var prompt = $"Call {n} from {silo.Name}.";
            try
            {
                var completion = await cluster.Client(silo.Name).CompleteAsync(prompt, cancellationToken: cancellationToken);
                Assert.Equal("Emulated Kimi answer: " + prompt, completion.Text);
                return null;
            }
            catch (KimiClientRateLimitException refused)
            {
                return refused;
            }
        }));
        var outcomes = await Task.WhenAll(calls);

        var refusals = outcomes.OfType<KimiClientRateLimitException>().ToList();
        Assert.All(refusals, refused =>
        {
            Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30));
            Assert.Equal(KimiAttemptOutcome.NotSent, Assert.Single(refused.Attempts).Outcome);
        });
        var sent = outcomes.Length - refusals.Count;
        Assert.Equal(sent, ChatRequests(world).Count); // what was granted is exactly what reached the host
        output.WriteLine($"{(share ? "cluster limiter" : "a limiter per silo")}: {sent} sent, {refusals.Count} refused");
        return (sent, refusals.Count);
    }

    private static EmulatorReply Slow(EmulatorReply reply)
    {
        reply.Delay = TimeSpan.FromMilliseconds(150);
        return reply;
    }

    private static List<EmulatorRequest> ChatRequests(ClusterWorld world) =>
        [.. world.Emulator.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))];

    /// <summary>The rate-limit grain's key for the clients of <paramref name="world"/>: host, base URL and the key's hash, as <see cref="KimiRateLimitPartition.Key"/> has it.</summary>
    internal static string PartitionKey(ClusterWorld world, string apiKey = SwarmTestCluster.ApiKey) =>
        $"Moonshot|{world.Emulator.BaseAddress.AbsoluteUri.TrimEnd('/')}|{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey))[..12])}";
}
