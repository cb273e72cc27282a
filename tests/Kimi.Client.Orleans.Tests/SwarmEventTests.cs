using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// A swarm's events watched live from a cluster client: the orchestrator's log holds every sub-agent's events (forwarded in
/// batches from whichever silo runs it), numbered in order; the usage per node sums to the swarm's; a lost silo leaves a gap,
/// never a duplicate; a late watcher gets what the log holds; a watcher's cancellation leaves the run alone.
/// </summary>
public class SwarmEventTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task A_watcher_sees_every_sub_agents_start_events_and_end_in_a_tree_whose_usage_sums_to_the_swarms()
    {
        const int subTasks = 12, toolCalls = 2; // 12: random placement over three silos puts them all on one about once in 180,000 runs (6 did once in 243)
        await using var world = new ClusterWorld(new EmulatorSwarmScript(subTasks, _ => toolCalls) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { });
        var cancellationToken = TestContext.Current.CancellationToken;

        // Watching first: the watcher waits for the run to start.
        var watch = CollectAsync(cluster.Swarm.WatchAsync("swarm-watched", cancellationToken));
        var result = await cluster.Swarm.RunAsync("swarm-watched", ClusterWorld.Conversation(), cancellationToken);
        var events = await watch.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        output.WriteLine($"{result}; {events.Count} events");

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        AssertOrdered(events);
        Assert.DoesNotContain(events, e => e.Kind == KimiClusterSwarmEventKind.Gap);
        AssertSumsAndTree(events, result, "swarm-watched", world);

        // Each sub-agent, whichever silo ran it: started, every model call and tool call once, its own end before its result reached the orchestrator.
        Assert.Equal(subTasks, result.SubAgents.Count);
        Assert.True(world.ToolSilos.Values.SelectMany(s => s).Distinct().Count() >= 2, "the sub-agents all ran on one silo");
        foreach (var subAgent in result.SubAgents)
        {
            var own = events.Where(e => e.RunId == subAgent.RunId).ToList();
            Assert.All(own, e => Assert.Equal("swarm-watched", e.ParentRunId));
            var started = Assert.Single(own, e => e.Kind == KimiClusterSwarmEventKind.SubAgentStarted);
            var ended = Assert.Single(own, e => e.Kind == KimiClusterSwarmEventKind.SubAgentCompleted);
            var runEnded = Assert.Single(own, e => e.Kind == KimiClusterSwarmEventKind.RunCompleted);
            Assert.Equal(subAgent.Task.Name, started.Name);
            Assert.Equal(subAgent.Task.Name, ended.Name);
            Assert.True(started.Sequence < ended.Sequence);
            Assert.True(runEnded.Sequence < ended.Sequence, "the sub-agent's own end is logged before its result reaches the orchestrator");
            Assert.Equal("Completed", runEnded.Text);
            Assert.Equal(Enumerable.Range(1, toolCalls + 1), own.Where(e => e.Kind == KimiClusterSwarmEventKind.ModelCallCompleted).Select(e => e.Step));
            Assert.Equal(Enumerable.Range(1, toolCalls + 1), own.Where(e => e.Kind == KimiClusterSwarmEventKind.ModelCallStarted).Select(e => e.Step));
            var tools = own.Where(e => e.Kind == KimiClusterSwarmEventKind.ToolStarted).ToList();
            Assert.Equal(toolCalls, tools.Count);
            Assert.All(tools, t => Assert.Contains(t.Name, ClusterWorld.ToolNames));
            Assert.Equal(toolCalls, own.Count(e => e.Kind == KimiClusterSwarmEventKind.ToolCompleted && e.Text is null));

            // The run's usage grows call by call; its last model call's, its end's and its result's are the same.
            var last = own.Last(e => e.Kind == KimiClusterSwarmEventKind.ModelCallCompleted);
            SiloLossTests.AssertUsage(subAgent.Usage, last.Usage!);
            SiloLossTests.AssertUsage(subAgent.Usage, runEnded.Usage!);
            SiloLossTests.AssertUsage(subAgent.Usage, ended.Usage!);
        }

        // The orchestrator's own events: its model calls and its delegation tool, at the root of the tree.
        var orchestrator = events.Where(e => e.RunId == "swarm-watched").ToList();
        Assert.All(orchestrator, e => Assert.Null(e.ParentRunId));
        Assert.Equal(result.OrchestratorSteps, orchestrator.Count(e => e.Kind == KimiClusterSwarmEventKind.ModelCallCompleted));
        Assert.Equal("delegate_tasks", Assert.Single(orchestrator, e => e.Kind == KimiClusterSwarmEventKind.ToolStarted).Name);

        // Nothing carries the key.
        Assert.DoesNotContain(events, e => e.ToString().Contains(SwarmTestCluster.ApiKey, StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_late_watcher_gets_what_the_capped_log_holds_after_a_gap_that_counts_the_rest_and_completes()
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(4, _ => 1) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { }, swarmCluster: o => o.MaxLoggedEvents = 16);
        var cancellationToken = TestContext.Current.CancellationToken;

        var result = await cluster.Swarm.RunAsync("swarm-late", ClusterWorld.Conversation(), cancellationToken);
        var events = await CollectAsync(cluster.Swarm.WatchAsync("swarm-late", cancellationToken)).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        foreach (var item in events)
        {
            output.WriteLine(item.ToString());
        }

        // 4 sub-agents of 2 steps and 1 tool call each, and the orchestrator's 2 steps with its delegation: far more than 16 events.
        AssertOrdered(events);
        var gap = events[0];
        Assert.Equal(KimiClusterSwarmEventKind.Gap, gap.Kind);
        Assert.Equal(17, events.Count);
        Assert.Equal(events[^1].Sequence - 16, gap.MissedEvents);
        Assert.Equal(gap.Sequence + 1, events[1].Sequence);
        Assert.Contains("fell behind", gap.Text, StringComparison.Ordinal);
        var end = events[^1];
        Assert.Equal(KimiClusterSwarmEventKind.SwarmCompleted, end.Kind);
        Assert.Equal(result.Steps, end.Step);
        SiloLossTests.AssertUsage(world.Script.Usage, end.Usage!);
        Assert.Equal(result.CostUsd, end.CostUsd);

        // Watched again, the same numbers: the log is the orchestrator's, not the watcher's.
        var again = await CollectAsync(cluster.Swarm.WatchAsync("swarm-late", cancellationToken)).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        Assert.Equal(events.Select(e => (e.Sequence, e.Kind, e.RunId)), again.Select(e => (e.Sequence, e.Kind, e.RunId)));
    }

    [Fact(Timeout = 120_000)]
    public async Task Cancelling_a_watch_leaves_the_run_going_to_its_end()
    {
        const int subTasks = 4;
        await using var world = new ClusterWorld(new EmulatorSwarmScript(subTasks, _ => 2) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { });
        var cancellationToken = TestContext.Current.CancellationToken;
        world.Gate.HoldStep(1, subTasks); // the run waits in its tools while the watch is cancelled

        var run = cluster.Swarm.RunAsync("swarm-unwatched", ClusterWorld.Conversation(), cancellationToken);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var seen = new List<KimiClusterSwarmEvent>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var item in cluster.Swarm.WatchAsync("swarm-unwatched", stopWatching.Token))
            {
                seen.Add(item);
                if (item.Kind == KimiClusterSwarmEventKind.SubAgentStarted)
                {
                    await stopWatching.CancelAsync();
                }
            }
        });
        Assert.Equal(KimiClusterSwarmEventKind.SubAgentStarted, seen[^1].Kind);

        await world.Gate.AllHeld.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        world.Gate.ReleaseAllBut(null);
        var result = await run;
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.All(result.SubAgents, s => Assert.True(s.Completed, s.ToString()));
        SiloLossTests.AssertUsage(world.Script.Usage, result.Usage);
    }

    [Fact(Timeout = 120_000)]
    public async Task Run_streaming_reports_the_run_to_its_end_and_stopping_early_stops_the_run_which_continues_when_called_again()
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(3, _ => 1) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { }, silos: 2);
        var cancellationToken = TestContext.Current.CancellationToken;
        world.Gate.HoldStep(1, 3);

        // Stopped after the first sub-agent started: the run stops cleanly (cancelled, kept in its checkpoints).
        await foreach (var item in cluster.Swarm.RunStreamingAsync("swarm-streamed", ClusterWorld.Conversation(), cancellationToken))
        {
            output.WriteLine(item.ToString());
            if (item.Kind == KimiClusterSwarmEventKind.SubAgentStarted)
            {
                break;
            }
        }

        output.WriteLine("stopped reading");
        world.Gate.ReleaseAllBut(null);
        var stopped = await CollectAsync(cluster.Swarm.WatchAsync("swarm-streamed", cancellationToken), output).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        Assert.Equal("Cancelled", Assert.Single(stopped, e => e.Kind == KimiClusterSwarmEventKind.SwarmCompleted).Text);

        // Called again, it continues to its end, reported live.
        output.WriteLine("again");
        var events = await CollectAsync(cluster.Swarm.RunStreamingAsync("swarm-streamed", ClusterWorld.Conversation(), cancellationToken), output).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        AssertOrdered(events);
        var end = events[^1];
        Assert.Equal(KimiClusterSwarmEventKind.SwarmCompleted, end.Kind);
        Assert.Equal("Completed", end.Text);
        Assert.Contains(events, e => e.Kind == KimiClusterSwarmEventKind.RunResumed && e.RunId == "swarm-streamed");
        var result = await cluster.Swarm.RunAsync("swarm-streamed", ClusterWorld.Conversation(), cancellationToken);
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(result.Steps, end.Step);

        // The nodes' ends (each across its resume) sum to the swarm's ledger, and a model call in flight when the swarm was
        // stopped was still charged: the ledger is the emulator's sums.
        SiloLossTests.AssertUsage(result.Usage, end.Usage!);
        SiloLossTests.AssertUsage(world.Script.Usage, (await cluster.Swarm.GetStatusAsync("swarm-streamed", cancellationToken)).Usage);
        var ends = events.Where(e => e.Kind == KimiClusterSwarmEventKind.SubAgentCompleted).ToList();
        Assert.Equal(3, ends.Count);
        var orchestrator = events.Last(e => e.Kind == KimiClusterSwarmEventKind.RunCompleted && e.RunId == "swarm-streamed");
        SiloLossTests.AssertUsage(end.Usage!, ends.Aggregate(orchestrator.Usage!, (sum, e) => sum + e.Usage!));
    }

    [Fact(Timeout = 180_000)]
    public async Task A_watcher_across_the_loss_of_a_silo_with_sub_agents_completes_with_a_gap_per_lost_sub_agent_and_no_event_twice()
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(SiloLossTests.SubTasks, _ => SiloLossTests.ToolCalls) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { });
        var cancellationToken = TestContext.Current.CancellationToken;
        var watch = CollectAsync(cluster.Swarm.WatchAsync("swarm-lost-sub", cancellationToken));
        var (result, victim, lost) = await SiloLossTests.RunAndKillAsync(cluster, (orchestrator, candidates) => candidates.FirstOrDefault(s => s != orchestrator), cancellationToken, runId: "swarm-lost-sub");
        var events = await watch.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        output.WriteLine($"{result}; lost {victim} with {lost.Count} sub-agents; {events.Count} events, gaps: {string.Join(", ", events.Where(e => e.Kind == KimiClusterSwarmEventKind.Gap))}");

        SiloLossTests.AssertFinishedExactly(world, result);
        AssertOrdered(events);
        AssertSumsAndTree(events, result, "swarm-lost-sub", world);

        // Each lost sub-agent continued elsewhere after a gap; no model call of any sub-agent is reported twice.
        Assert.NotEmpty(lost);
        var gaps = events.Where(e => e.Kind == KimiClusterSwarmEventKind.Gap).Select(e => e.RunId).ToHashSet();
        Assert.All(lost, runId => Assert.Contains(runId, gaps));
        foreach (var subAgent in result.SubAgents)
        {
            var calls = events.Where(e => e.RunId == subAgent.RunId && e.Kind == KimiClusterSwarmEventKind.ModelCallCompleted).Select(e => e.Step).ToList();
            Assert.Equal(calls.Distinct(), calls);
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task A_watcher_across_the_loss_of_the_orchestrators_silo_completes_after_a_gap_with_no_event_twice()
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(SiloLossTests.SubTasks, _ => SiloLossTests.ToolCalls) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { });
        var cancellationToken = TestContext.Current.CancellationToken;
        var watch = CollectAsync(cluster.Swarm.WatchAsync("swarm-lost-orchestrator", cancellationToken));
        var (result, victim, _) = await SiloLossTests.RunAndKillAsync(cluster, (orchestrator, _) => orchestrator, cancellationToken, runId: "swarm-lost-orchestrator");
        var events = await watch.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        output.WriteLine($"{result}; lost the orchestrator's silo {victim}; {events.Count} events, gaps: {string.Join(", ", events.Where(e => e.Kind == KimiClusterSwarmEventKind.Gap))}");

        SiloLossTests.AssertFinishedExactly(world, result);
        AssertOrdered(events);

        // The old log went with the silo: a gap, then the new activation's log (numbered above the old one's) to the end. The
        // sub-agents that went with the silo too continue from their checkpoints, each after a gap of its own.
        var gap = events.First(e => e.Kind == KimiClusterSwarmEventKind.Gap);
        Assert.Null(gap.MissedEvents);
        Assert.Equal("swarm-lost-orchestrator", gap.RunId);
        Assert.Contains("earlier log is gone", gap.Text, StringComparison.Ordinal);
        Assert.All(events.Where(e => e.Kind == KimiClusterSwarmEventKind.Gap && e != gap), g => Assert.Contains("continued from its checkpoint", g.Text, StringComparison.Ordinal));
        Assert.Contains(events, e => e.Sequence < gap.Sequence && e.Kind == KimiClusterSwarmEventKind.SubAgentStarted);
        Assert.Contains(events, e => e.Sequence > gap.Sequence && e.Kind == KimiClusterSwarmEventKind.RunResumed && e.RunId == "swarm-lost-orchestrator");
        AssertSumsAndTree(events.Where(e => e.Sequence > gap.Sequence).ToList(), result, "swarm-lost-orchestrator", world);
    }

    /// <summary>Numbered in order without repeats, ended by the swarm's end.</summary>
    private static void AssertOrdered(List<KimiClusterSwarmEvent> events)
    {
        Assert.NotEmpty(events);
        for (var i = 1; i < events.Count; i++)
        {
            Assert.True(events[i - 1].Sequence < events[i].Sequence, $"event {i} ({events[i]}) is not after {events[i - 1]}");
        }

        Assert.Equal(KimiClusterSwarmEventKind.SwarmCompleted, events[^1].Kind);
        Assert.Single(events, e => e.Kind == KimiClusterSwarmEventKind.SwarmCompleted);
    }

    /// <summary>
    /// Every sub-agent hangs below the orchestrator, and the nodes' usage (each sub-agent's last result, the orchestrator's own
    /// end) sums to the swarm's, which is the emulator's.
    /// </summary>
    private static void AssertSumsAndTree(List<KimiClusterSwarmEvent> events, KimiClusterSwarmResult result, string runId, ClusterWorld world)
    {
        var subAgentIds = result.SubAgents.Select(s => s.RunId).ToHashSet();
        Assert.All(events, e => Assert.True(e.RunId == runId ? e.ParentRunId is null : subAgentIds.Contains(e.RunId) && e.ParentRunId == runId, e.ToString()));

        var ends = events.Where(e => e.Kind == KimiClusterSwarmEventKind.SubAgentCompleted).GroupBy(e => e.RunId).Select(g => g.Last()).ToList();
        Assert.Equal(subAgentIds.Order(), ends.Select(e => e.RunId).Order());
        var orchestrator = events.Last(e => e.Kind == KimiClusterSwarmEventKind.RunCompleted && e.RunId == runId);
        var swarm = events[^1];
        var sum = ends.Aggregate(orchestrator.Usage!, (total, e) => total + e.Usage!);
        SiloLossTests.AssertUsage(swarm.Usage!, sum);
        SiloLossTests.AssertUsage(world.Script.Usage, swarm.Usage!);
        SiloLossTests.AssertUsage(result.Usage, swarm.Usage!);
        Assert.Equal(swarm.CostUsd, ends.Sum(e => e.CostUsd) + orchestrator.CostUsd);
        Assert.Equal(result.CostUsd, swarm.CostUsd);
        Assert.Equal(result.Steps, swarm.Step);
    }

    private static async Task<List<KimiClusterSwarmEvent>> CollectAsync(IAsyncEnumerable<KimiClusterSwarmEvent> events, ITestOutputHelper? output = null)
    {
        var list = new List<KimiClusterSwarmEvent>();
        await foreach (var item in events)
        {
            output?.WriteLine(item.ToString());
            list.Add(item);
        }

        return list;
    }
}
