using System.Diagnostics;
using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Tests.Agents.Swarm;

/// <summary>
/// The swarm on the emulator: 300 sub-agents and 4,000 steps over loopback under one budget with exact sums, a budget reached
/// mid-run, cancellation, resume, and the event tree.
/// </summary>
public class SwarmRunTests(ITestOutputHelper output)
{
    /// <summary>98 sub-tasks make 13 tool calls (14 steps), 202 make 12 (13 steps): 3,998 sub-agent steps, plus the orchestrator's 2.</summary>
    private static int ToolCalls(int task) => task <= 98 ? 13 : 12;

    [Fact(Timeout = 300_000)]
    public async Task Three_hundred_sub_agents_take_4000_steps_over_loopback_under_the_budget_with_usage_and_cost_equal_to_the_emulators_sums()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(300, ToolCalls) { SubTaskTools = SwarmHarness.ToolNames });
        using var client = await harness.LoopbackClientAsync();
        var swarm = new KimiSwarm(client, harness.Tools(), new KimiSwarmOptions { MaxSteps = 4_000 });
        var tree = new KimiSwarmTree();
        KimiSwarmRunResult? result = null;
        var clock = Stopwatch.StartNew();

        await foreach (var item in swarm.RunStreamingAsync("swarm-300", SwarmHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            tree.Apply(item);
            if (item is KimiSwarmRunCompleted end)
            {
                result = end.Result;
            }
        }

        Assert.NotNull(result);
        output.WriteLine($"{result} in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(harness.Script.FinalAnswer(300), result.Text);
        Assert.Equal(300, result.SubAgents.Count);
        Assert.All(result.SubAgents, s => Assert.True(s.Completed, s.ToString()));
        Assert.All(result.SubAgents, s => Assert.Equal(harness.Script.SubTaskAnswer(int.Parse(s.Task.Name[5..])), s.Text));

        // Exactly the budget: every step is one request the emulator answered, and the sums are the emulator's to the token.
        Assert.Equal(4_000, result.Steps);
        Assert.Equal(4_000, harness.Script.Requests);
        Assert.Equal(2, result.Orchestrator.Steps);
        Assert.Equal(3_998, result.SubAgents.Sum(s => s.Steps));
        var expected = harness.Script.Usage;
        AssertUsage(expected, result.Usage);
        AssertUsage(expected, result.SubAgents.Aggregate(result.Orchestrator.Usage, (sum, s) => sum + s.Usage));
        var pricing = KimiProvider.Moonshot.Pricing!;
        Assert.Equal(pricing.Cost(expected), result.CostUsd);
        Assert.Equal(pricing.Cost(expected), result.SubAgents.Aggregate(result.Orchestrator.CostUsd!.Value, (sum, s) => sum + s.CostUsd!.Value));

        // Every tool call ran exactly once: 3,698 of them (each sub-agent's steps less its answer).
        Assert.Equal(3_698, harness.Executions.Count);
        Assert.All(harness.Executions.Values, n => Assert.Equal(1, n));

        // The event tree: the orchestrator at the root, 300 children, the sums rolled up.
        Assert.NotNull(tree.Root);
        Assert.Equal("swarm-300", tree.Root.RunId);
        Assert.Equal(300, tree.Root.Children.Count);
        Assert.All(tree.Root.Children, c => Assert.Equal(KimiSwarmNodeState.Completed, c.State));
        Assert.Equal(4_000, tree.Root.TotalSteps);
        AssertUsage(expected, tree.Root.TotalUsage);
        Assert.Equal(pricing.Cost(expected), tree.Root.TotalCostUsd);
        Assert.All(tree.Root.Children, c => Assert.StartsWith("swarm-300/task-", c.RunId, StringComparison.Ordinal));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_budget_reached_mid_run_stops_every_sub_agent_cleanly_at_exactly_the_limit_and_the_orchestrator_still_answers()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(300, ToolCalls) { SubTaskTools = SwarmHarness.ToolNames });
        using var client = harness.InMemoryClient();
        var store = new InMemoryKimiAgentCheckpointStore();
        var swarm = new KimiSwarm(client, harness.Tools(), new KimiSwarmOptions { MaxSteps = 1_000, CheckpointStore = store });
        var ends = new Dictionary<string, KimiAgentRunCompleted>();
        KimiSwarmRunResult? result = null;

        await foreach (var item in swarm.RunStreamingAsync("swarm-budget", SwarmHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            switch (item)
            {
                case KimiAgentRunCompleted end:
                    ends[end.RunId] = end;
                    break;
                case KimiSwarmRunCompleted end:
                    result = end.Result;
                    break;
            }
        }

        Assert.NotNull(result);
        output.WriteLine(result.ToString());

        // Fair shares: each sub-agent got 3 steps of its own; the 98 nobody reserved went to whoever asked first, enough for
        // at most 9 sub-agents to finish. Every other one stopped at its share, with an error the orchestrator can read.
        Assert.Equal(1_000, result.Steps);
        Assert.Equal(1_000, harness.Script.Requests);
        var stopped = result.SubAgents.Where(s => !s.Completed).ToList();
        Assert.InRange(stopped.Count, 291, 300);
        Assert.All(stopped, s =>
        {
            Assert.Equal(KimiAgentStopReason.MaxSteps, s.StopReason);
            Assert.InRange(s.Steps, 3, 13);
            Assert.Contains("step share of the swarm's budget", s.Error, StringComparison.Ordinal);
        });
        Assert.Equal(998, result.SubAgents.Sum(s => s.Steps));

        // Every sub-agent ended with its own clean end event and end record; every tool call it started was answered.
        Assert.Equal(301, ends.Count);
        Assert.All(stopped, s => Assert.Equal(KimiAgentStopReason.MaxSteps, ends[s.RunId].Result.StopReason));
        Assert.Equal(998 - (300 - stopped.Count), harness.Executions.Count); // a finished sub-agent's last step is its answer
        foreach (var subAgent in stopped.Take(5))
        {
            var session = await store.OpenAsync(subAgent.RunId, TestContext.Current.CancellationToken);
            await using (session)
            {
                var records = await session.ReadAllAsync(TestContext.Current.CancellationToken);
                Assert.Contains("\"MaxSteps\"", System.Text.Encoding.UTF8.GetString(records[^1].Data.Span), StringComparison.Ordinal);
            }
        }

        // The orchestrator kept its step to read the results and answered; the sums are still exact.
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(harness.Script.FinalAnswer(300 - stopped.Count), result.Text);
        AssertUsage(harness.Script.Usage, result.Usage);
    }

    [Fact(Timeout = 120_000)]
    public async Task Cancelling_the_swarm_mid_run_leaves_no_running_task_no_response_in_flight_and_no_open_socket()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(60, _ => 6) { SubTaskTools = SwarmHarness.ToolNames }, chunkDelay: TimeSpan.FromMilliseconds(5));
        using var client = await harness.LoopbackClientAsync(idleTimeout: TimeSpan.FromMilliseconds(200));
        var swarm = new KimiSwarm(client, harness.Tools());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var started = new HashSet<string>();
        var completed = new HashSet<string>();
        KimiSwarmRunResult? result = null;
        var toolsSeen = 0;

        await foreach (var item in swarm.RunStreamingAsync(SwarmHarness.Conversation(), cancel.Token))
        {
            switch (item)
            {
                case KimiSwarmSubAgentStarted s:
                    started.Add(s.RunId);
                    break;
                case KimiSwarmSubAgentCompleted c:
                    completed.Add(c.RunId);
                    break;
                case KimiAgentToolCompleted when ++toolsSeen == 100:
                    await cancel.CancelAsync(); // many sub-agents are mid-stream now
                    break;
                case KimiSwarmRunCompleted end:
                    result = end.Result;
                    break;
            }
        }

        Assert.NotNull(result);
        output.WriteLine($"{result}; {harness.OpenSockets} sockets open at the end");
        Assert.Equal(KimiAgentStopReason.Cancelled, result.StopReason);
        Assert.Equal(60, result.SubAgents.Count);
        Assert.Equal(started.Order(), completed.Intersect(started).Order());
        Assert.Contains(result.SubAgents, s => s.StopReason == KimiAgentStopReason.Cancelled);
        Assert.All(result.SubAgents.Where(s => !s.Completed), s => Assert.Contains("cancelled", s.Error, StringComparison.Ordinal));

        // Nothing runs on: no tool, no response being read; the sockets of cut streams are closed and the idle ones expire.
        Assert.Equal(0, harness.ToolsInFlight);
        Assert.Equal(0, harness.ResponsesInFlight);
        var requests = harness.Script.Requests;
        var wait = Stopwatch.StartNew();
        while (harness.OpenSockets > 0 && wait.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(0, harness.OpenSockets);
        Assert.Equal(requests, harness.Script.Requests); // and no request was sent after the swarm returned
    }

    [Fact(Timeout = 120_000)]
    public async Task Resuming_a_cancelled_swarm_continues_each_unfinished_sub_agent_keeps_the_finished_results_and_runs_no_tool_twice()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(40, task => 3 + (task % 4)) { SubTaskTools = SwarmHarness.ToolNames });
        using var client = harness.InMemoryClient();
        var store = new InMemoryKimiAgentCheckpointStore();
        var options = new KimiSwarmOptions { MaxSteps = null, CheckpointStore = store, MaxConcurrentSubAgents = 10 };
        var swarm = new KimiSwarm(client, harness.Tools(), options);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var finishedBefore = new Dictionary<string, int>();
        var toolsSeen = 0;
        await foreach (var item in swarm.RunStreamingAsync("swarm-resume", SwarmHarness.Conversation(), cancel.Token))
        {
            if (item is KimiSwarmSubAgentCompleted { Result.Completed: true } done)
            {
                finishedBefore[done.RunId] = done.Result.Steps;
            }

            if (item is KimiAgentToolCompleted && ++toolsSeen == 60)
            {
                await cancel.CancelAsync();
            }
        }

        Assert.InRange(finishedBefore.Count, 1, 39);
        var resumedRuns = new HashSet<string>();
        var callsAfter = new Dictionary<string, int>();
        KimiSwarmRunResult? result = null;
        await foreach (var item in new KimiSwarm(client, harness.Tools(), options).ResumeStreamingAsync("swarm-resume", TestContext.Current.CancellationToken))
        {
            switch (item)
            {
                case KimiSwarmSubAgentStarted { Resumed: true } s:
                    resumedRuns.Add(s.RunId);
                    break;
                case KimiAgentModelCallStarted call when call.ParentRunId is not null:
                    callsAfter[call.RunId] = callsAfter.GetValueOrDefault(call.RunId) + 1;
                    break;
                case KimiSwarmRunCompleted end:
                    result = end.Result;
                    break;
            }
        }

        Assert.NotNull(result);
        output.WriteLine($"{finishedBefore.Count} finished before the cancel, {resumedRuns.Count} resumed; {result}");
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(harness.Script.FinalAnswer(40), result.Text);

        // Finished sub-agents were not delegated again; every other one continued its own checkpointed run.
        Assert.All(finishedBefore.Keys, id => Assert.False(callsAfter.ContainsKey(id)));
        Assert.All(result.SubAgents, s => Assert.False(finishedBefore.ContainsKey(s.RunId)));
        Assert.All(result.SubAgents, s => Assert.True(s.Completed, s.ToString()));
        Assert.Equal(40, finishedBefore.Count + result.SubAgents.Count);
        Assert.Contains(result.SubAgents, s => resumedRuns.Contains(s.RunId) && s.Steps > callsAfter[s.RunId]);

        // No tool call ran twice across the cancel and the resume (a call the cancel caught before it started is answered
        // as not run, never re-run: at most one per sub-agent).
        var scripted = Enumerable.Range(1, 40).Sum(t => 3 + (t % 4));
        Assert.InRange(harness.Executions.Count, scripted - 40, scripted);
        Assert.All(harness.Executions.Values, n => Assert.Equal(1, n));

        // The budget went on from the recorded sums: the swarm's steps are every run's, across both processes' worth of work.
        var recordedSteps = finishedBefore.Values.Sum() + result.SubAgents.Sum(s => s.Steps) + result.Orchestrator.Steps;
        Assert.Equal(recordedSteps, result.Steps);
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
