using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Orleans.Tests;

/// <summary>The swarm's budget is one grain for every silo: reached mid-run, it stops every sub-agent — wherever it runs — cleanly, at exactly the limit.</summary>
public class ClusterBudgetTests(ITestOutputHelper output)
{
    [Fact(Timeout = 120_000)]
    public async Task A_budget_reached_mid_run_stops_every_sub_agent_on_every_silo_at_exactly_the_limit_and_the_orchestrator_still_answers()
    {
        // 12 sub-agents that each need 5 steps (60) and the orchestrator's 2, under a budget of 30 steps for the whole swarm.
        await using var world = new ClusterWorld(new EmulatorSwarmScript(12, _ => 4) { SubTaskTools = ClusterWorld.ToolNames });
        await using var cluster = await SwarmTestCluster.StartAsync(world, swarm => swarm.MaxSteps = 30);

        var result = await cluster.Swarm.RunAsync("swarm-budget", ClusterWorld.Conversation(), TestContext.Current.CancellationToken);
        output.WriteLine(result.ToString());

        // Exactly the limit, each step one request the emulator answered; the sums are the emulator's.
        Assert.Equal(30, result.Steps);
        Assert.Equal(30, world.Script.Requests);
        SiloLossTests.AssertUsage(world.Script.Usage, result.Usage);
        Assert.Equal(28, result.SubAgents.Sum(s => s.Steps));

        // Fair shares: each sub-agent had 2 steps of its own (29 free / 12), and the 5 nobody reserved went to whoever asked
        // first; every sub-agent that could not finish stopped at its share with an error the orchestrator can read.
        var stopped = result.SubAgents.Where(s => !s.Completed).ToList();
        Assert.InRange(stopped.Count, 11, 12);
        Assert.All(stopped, s =>
        {
            Assert.Equal(KimiAgentStopReason.MaxSteps, s.StopReason);
            Assert.InRange(s.Steps, 2, 5);
            Assert.Contains("step share of the swarm's budget", s.Error, StringComparison.Ordinal);
        });

        // The sub-agents ran on several silos, all charged to the one ledger; every tool call they made ran once.
        Assert.True(world.ToolSilos.Values.SelectMany(s => s).Distinct().Count() >= 2, "the sub-agents all ran on one silo");
        Assert.All(world.Executions, e => Assert.Equal(1, e.Value));
        Assert.Equal(28 - (12 - stopped.Count), world.Executions.Count); // a finished sub-agent's last step is its answer

        // The orchestrator kept its step to read the results and answered.
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(world.Script.FinalAnswer(12 - stopped.Count), result.Text);
        Assert.Equal(2, result.OrchestratorSteps);

        // The ledger is the grain's: asked afterwards (from any silo or the client) it says the same.
        var status = await cluster.Swarm.GetStatusAsync("swarm-budget", TestContext.Current.CancellationToken);
        Assert.Equal(30, status.Steps);
        Assert.Equal(0, status.RemainingSteps);
        SiloLossTests.AssertUsage(world.Script.Usage, status.Usage);

        // The ended swarm's ledger is closed: a sub-agent call that arrives only now does nothing.
        var task = SubTaskData.From(result.SubAgents[0].Task);
        var late = new SubTaskData { RunId = task.RunId + "-late", ParentRunId = task.ParentRunId, Name = task.Name, Instructions = task.Instructions, ToolNames = task.ToolNames };
        var outcome = await cluster.Cluster.Client.GetGrain<IKimiSubAgentGrain>(late.RunId).RunAsync("swarm-budget", late, CancellationToken.None);
        Assert.Equal((int)KimiAgentStopReason.Cancelled, outcome.StopReason);
        Assert.Equal(0, outcome.Steps);
        Assert.Equal(30, world.Script.Requests);

        // Asked again, the ended run returns its kept result without a model call.
        var again = await cluster.Swarm.RunAsync("swarm-budget", ClusterWorld.Conversation(), TestContext.Current.CancellationToken);
        Assert.Equal(result.Text, again.Text);
        Assert.Equal(30, world.Script.Requests);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_conversation_the_grain_cannot_carry_is_refused_before_anything_is_sent()
    {
        await using var world = new ClusterWorld(new EmulatorSwarmScript(1, _ => 1));
        await using var cluster = await SwarmTestCluster.StartAsync(world, _ => { }, silos: 1);
        var toolTurn = new KimiMessage(MessageRole.Assistant, "calling");
        toolTurn.ToolCalls.Add(new ToolCall("search_code_0", "search_code", "{}"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => cluster.Swarm.RunAsync("swarm-bad", [KimiMessage.User("go"), toolTurn], TestContext.Current.CancellationToken));
        Assert.Contains("system, user and assistant text", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => cluster.Swarm.RunAsync("swarm-bad", [], TestContext.Current.CancellationToken));
        Assert.Equal(0, world.Script.Requests);
    }
}
