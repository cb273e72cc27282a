using System.Diagnostics;
using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// A swarm on three silos loses one mid-run — with every sub-agent waiting in its second tool call, so no model call is in
/// flight — and still finishes: the lost sub-agents continue from their checkpoints on the other silos, the sums equal the
/// emulator's exactly, and every tool call ran exactly once.
/// </summary>
public class SiloLossTests(ITestOutputHelper output)
{
    internal const int SubTasks = 12;
    internal const int ToolCalls = 4;

    [Fact(Timeout = 120_000)]
    public async Task A_silo_with_sub_agents_is_lost_mid_run_and_the_swarm_finishes_with_exact_sums_and_no_tool_run_twice()
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(SubTasks, _ => ToolCalls) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { });
        var (result, victim, lost) = await RunAndKillAsync(cluster, chooseVictim: (orchestrator, candidates) => candidates.FirstOrDefault(s => s != orchestrator), TestContext.Current.CancellationToken);

        AssertFinishedExactly(world, result);
        Assert.NotEmpty(lost);
        Assert.All(lost, runId => Assert.NotEqual(victim, world.ToolSilos[runId].Last())); // continued elsewhere
        output.WriteLine($"{result}; lost {victim} with {lost.Count} sub-agents; calls per silo: {string.Join(", ", world.Calls.Select(p => $"{p.Key}={p.Value}"))}");
    }

    [Fact(Timeout = 120_000)]
    public async Task The_orchestrators_silo_is_lost_mid_run_and_the_swarm_resumes_elsewhere_with_exact_sums_and_no_tool_run_twice()
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(SubTasks, _ => ToolCalls) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { });
        var (result, victim, _) = await RunAndKillAsync(cluster, chooseVictim: (orchestrator, _) => orchestrator, TestContext.Current.CancellationToken);

        AssertFinishedExactly(world, result);
        Assert.NotEqual(victim, world.OrchestratorSilos.Last()); // the orchestrator's last call came from a live silo
        output.WriteLine($"{result}; lost the orchestrator's silo {victim}; calls per silo: {string.Join(", ", world.Calls.Select(p => $"{p.Key}={p.Value}"))}");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_silo_with_sub_agents_is_stopped_gracefully_mid_run_and_the_swarm_finishes_with_exact_sums_and_no_tool_run_twice()
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(SubTasks, _ => ToolCalls) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { });
        var (result, victim, lost) = await RunAndKillAsync(cluster, chooseVictim: (orchestrator, candidates) => candidates.FirstOrDefault(s => s != orchestrator), TestContext.Current.CancellationToken, graceful: true);

        AssertFinishedExactly(world, result);
        Assert.NotEmpty(lost);
        Assert.All(lost, runId => Assert.NotEqual(victim, world.ToolSilos[runId].Last())); // continued elsewhere
        Assert.DoesNotContain(cluster.Cluster.Silos, s => s.Name == victim);
        output.WriteLine($"{result}; stopped {victim} with {lost.Count} sub-agents; calls per silo: {string.Join(", ", world.Calls.Select(p => $"{p.Key}={p.Value}"))}");
    }

    /// <summary>
    /// Runs the swarm, holds every sub-agent in its second tool call, kills the chosen silo (or stops it gracefully: its held
    /// tool calls never go on), lets the rest go on, and awaits the end.
    /// </summary>
    internal static async Task<(KimiClusterSwarmResult Result, string Victim, List<string> Lost)> RunAndKillAsync(
        SwarmTestCluster cluster, Func<string, IEnumerable<string>, string?> chooseVictim, CancellationToken cancellationToken, bool graceful = false, string? runId = null)
    {
        var world = cluster.World;
        world.Gate.HoldStep(2, SubTasks);
        var clock = Stopwatch.StartNew();
        var run = cluster.Swarm.RunAsync(runId ?? "swarm-" + Guid.NewGuid().ToString("N")[..8], ClusterWorld.Conversation(), cancellationToken);
        var log = TestContext.Current.TestOutputHelper;
        using (var progress = new Timer(_ => log?.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s requests={world.Script.Requests} held={world.Gate.Held.Count} exec={world.Executions.Count} run={run.Status}"), null, 1000, 1000))
        {
            if (await Task.WhenAny(world.Gate.AllHeld, run).WaitAsync(cancellationToken) == run)
            {
                Assert.Fail($"The swarm ended before every sub-agent reached its second tool call: {await run}");
            }
        }

        var orchestrator = world.OrchestratorSilos.Last();
        var candidates = world.Gate.Held.Values.Distinct().OrderByDescending(s => world.Gate.Held.Values.Count(v => v == s)).ToList();
        var victim = chooseVictim(orchestrator, candidates) ?? throw new InvalidOperationException("Every sub-agent landed on the orchestrator's silo; no other silo to lose.");
        var lost = world.Gate.Held.Where(p => p.Value == victim).Select(p => p.Key).ToList();
        var requestsAtKill = world.Script.Requests;

        if (graceful)
        {
            // A graceful stop drains the silo: the others go on meanwhile, the victim's held tool calls never do.
            world.Gate.ReleaseAllBut(victim);
            await cluster.StopAsync(victim);
        }
        else
        {
            await cluster.KillAsync(victim);
            world.Gate.ReleaseAllBut(victim);
        }

        log?.WriteLine($"{(graceful ? "stopped" : "killed")} {victim} at {clock.Elapsed.TotalSeconds:F1}s (orchestrator on {orchestrator}), lost {lost.Count}");
        using var after = new Timer(_ => log?.WriteLine($"{clock.Elapsed.TotalSeconds:F1}s requests={world.Script.Requests} exec={world.Executions.Count} run={run.Status}"), null, 1000, 1000);
        var result = await run;
        Assert.True(world.Script.Requests > requestsAtKill);
        TestContext.Current.TestOutputHelper?.WriteLine($"finished in {clock.Elapsed.TotalSeconds:F1} s");
        return (result, victim, lost);
    }

    internal static void AssertFinishedExactly(ClusterWorld world, KimiClusterSwarmResult result)
    {
        foreach (var subAgent in result.SubAgents)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(subAgent.ToString());
        }

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(world.Script.FinalAnswer(SubTasks), result.Text);
        Assert.Equal(SubTasks, result.SubAgents.Count);
        Assert.All(result.SubAgents, s => Assert.True(s.Completed, s.ToString()));
        Assert.All(result.SubAgents, s => Assert.Equal(world.Script.SubTaskAnswer(int.Parse(s.Task.Name[5..])), s.Text));

        // Every model call the emulator answered was charged once to the shared budget, whichever silo made it.
        Assert.Equal(world.Script.Requests, result.Steps);
        AssertUsage(world.Script.Usage, result.Usage);
        Assert.Equal(KimiProvider.Moonshot.Pricing!.Cost(world.Script.Usage), result.CostUsd);
        Assert.Equal(SubTasks * (ToolCalls + 1), result.SubAgents.Sum(s => s.Steps));

        // Every tool call ran exactly once: the held ones on the lost silo never ran there, and ran once where they resumed.
        Assert.Equal(SubTasks * ToolCalls, world.Executions.Count);
        Assert.All(world.Executions, e => Assert.Equal(1, e.Value));
    }

    internal static void AssertUsage(TokenUsage expected, TokenUsage actual)
    {
        Assert.Equal(expected.InputTokens, actual.InputTokens);
        Assert.Equal(expected.OutputTokens, actual.OutputTokens);
        Assert.Equal(expected.TotalTokens, actual.TotalTokens);
        Assert.Equal(expected.CachedInputTokens, actual.CachedInputTokens);
        Assert.Equal(expected.ReasoningTokens, actual.ReasoningTokens);
    }
}
