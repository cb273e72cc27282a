using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// Cancelling a swarm on the cluster stops every sub-agent, wherever it runs: nothing starts a model call or a tool after the
/// swarm's end, a model call the emulator answered while the cancel arrived is still charged (the ledger equals the emulator's
/// sums), a sub-agent whose call arrives late does nothing, and the checkpoints let the swarm continue to its end.
/// </summary>
public class SwarmCancelTests(ITestOutputHelper output)
{
    private const string RunId = "swarm-cancelled";

    [Fact(Timeout = 180_000)]
    public async Task Cancelling_mid_run_stops_every_sub_agent_charges_the_answer_in_flight_and_a_late_sub_agent_does_nothing()
    {
        const int SubTasks = 4, ToolCalls = 2;
        await using var world = new ClusterWorld(new EmulatorSwarmScript(SubTasks, _ => ToolCalls) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { });
        var cancellationToken = TestContext.Current.CancellationToken;
        var ledger = cluster.Cluster.Client.GetGrain<IKimiSwarmBudgetGrain>(RunId);

        // One sub-agent's first answer is sent by the emulator (and counted in its sums) but held on its way back; the others
        // wait in their first tool. Then the swarm is cancelled.
        world.HoldNextSubAgentAnswer();
        world.Gate.HoldStep(1, SubTasks - 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = CollectAsync(cluster.Swarm.WatchAsync(RunId, cancellationToken));
        var run = cluster.Swarm.RunAsync(RunId, ClusterWorld.Conversation(), stop.Token);
        await Task.WhenAll(world.AnswerHeld.Task, world.Gate.AllHeld).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var toolStartsAtCancel = world.ToolStarts;
        await stop.CancelAsync();

        // The held answer arrives once the swarm has been told to stop (or has ended).
        while (!run.IsCompleted && !(await ledger.GetStatusAsync()).Closed)
        {
            await Task.Delay(20, cancellationToken);
        }

        world.ReleaseAnswer.TrySetResult();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        var events = await watch.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        output.WriteLine(result.ToString());
        Assert.Equal(KimiAgentStopReason.Cancelled, result.StopReason);
        Assert.Equal("Cancelled", events[^1].Text);
        Assert.All(result.SubAgents, s => Assert.Equal(KimiAgentStopReason.Cancelled, s.StopReason));

        // Each sub-agent called again now (its call arriving after the cancel, on whatever silo it lives) waits for its run in
        // progress to stop and then does nothing; so does one activated for the first time now.
        SubTaskData[] tasks = [.. result.SubAgents.Select(s => SubTaskData.From(s.Task))];
        Assert.Equal(SubTasks, tasks.Length);
        SubTaskData late = new()
        {
            RunId = RunId + "/late", ParentRunId = RunId, Name = "late", Instructions = world.Script.Instructions(SubTasks), ToolNames = ClusterWorld.ToolNames,
        };
        foreach (var task in tasks.Append(late))
        {
            var outcome = await cluster.Cluster.Client.GetGrain<IKimiSubAgentGrain>(task.RunId).RunAsync(RunId, task, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            Assert.Equal((int)KimiAgentStopReason.Cancelled, outcome.StopReason);
        }

        Assert.False(world.Storage.Keys.Any(k => k.Contains("/late", StringComparison.Ordinal)), "the late sub-agent wrote a checkpoint");

        // Nothing started after the cancel: one model call per sub-agent (the held one's answered) and the orchestrator's one;
        // no tool beyond those held at the cancel.
        Assert.Equal(1 + SubTasks, world.Script.Requests);
        Assert.Equal(toolStartsAtCancel, world.ToolStarts);
        Assert.Equal(SubTasks - 1, toolStartsAtCancel);
        Assert.Empty(world.Executions);

        // The answer that was in flight is charged: the ledger is the emulator's sums exactly.
        var status = await cluster.Swarm.GetStatusAsync(RunId, cancellationToken);
        Assert.Equal(1 + SubTasks, status.Steps);
        SiloLossTests.AssertUsage(world.Script.Usage, status.Usage);

        // The checkpoints are consistent: called again, the swarm continues to its end; no tool ran twice (a call cancelled
        // at the gate never ran: it resumes as interrupted), and the ledger is still the emulator's sums.
        world.Gate.ReleaseAllBut(null);
        var again = await cluster.Swarm.RunAsync(RunId, ClusterWorld.Conversation(), cancellationToken).WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
        output.WriteLine(again.ToString());
        Assert.Equal(KimiAgentStopReason.Completed, again.StopReason);
        Assert.NotEmpty(world.Executions);
        Assert.All(world.Executions, e => Assert.Equal(1, e.Value));
        SiloLossTests.AssertUsage(world.Script.Usage, (await cluster.Swarm.GetStatusAsync(RunId, cancellationToken)).Usage);
        Assert.Equal(world.Script.Requests, (await cluster.Swarm.GetStatusAsync(RunId, cancellationToken)).Steps);
    }

    private static async Task<List<KimiClusterSwarmEvent>> CollectAsync(IAsyncEnumerable<KimiClusterSwarmEvent> events)
    {
        var list = new List<KimiClusterSwarmEvent>();
        await foreach (var item in events)
        {
            list.Add(item);
        }

        return list;
    }
}
