using System.Diagnostics;
using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Tests.Agents.Swarm;

/// <summary>
/// What the orchestrator reads back from a delegation: bad input as tool errors it can act on (never an exception), failing
/// and slow sub-agents as error entries, and the request on the wire; plus the trace tree and the shared rate limits.
/// </summary>
public class SwarmDelegationTests
{
    private static EmulatorReply Delegate(string arguments) => EmulatorReply.FromToolCalls("Split the work.", new EmulatorToolCall("delegate_tasks", arguments));

    /// <summary>The text of the tool message answering the delegation, as the next request carried it.</summary>
    private static string ToolResult(EmulatorRequest request) =>
        request.Json.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString()!;

    [Fact(Timeout = 30_000)]
    public async Task No_sub_tasks_an_unknown_tool_and_a_sub_task_over_the_remaining_budget_come_back_as_tool_errors_the_model_reads()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(1, _ => 0));
        using var client = harness.InMemoryClient();
        harness.Emulator.Responder = null;
        harness.Emulator.Enqueue(Delegate("""{"tasks":[]}"""));
        harness.Emulator.Enqueue(Delegate("""{"tasks":[{"name":"a","instructions":"Look.","tools":["read_file","rm_rf"]}]}"""));
        harness.Emulator.Enqueue(Delegate("""{"tasks":[{"name":"a","instructions":"Look.","max_steps":500}]}"""));
        harness.Emulator.Enqueue(Delegate("""{"tasks":[{"name":"a","instructions":"Look."},{"name":"a","instructions":"Look."}]}"""));
        harness.Emulator.Enqueue(Delegate("""{"jobs":[{"instructions":"Look."}]}"""));
        harness.Emulator.Enqueue(Delegate("""{"tasks":[{"name":"a"}]}"""));
        harness.Emulator.Enqueue(EmulatorReply.FromText("I will do it myself."));
        var swarm = new KimiSwarm(client, harness.Tools(), new KimiSwarmOptions { MaxSteps = 100 });

        var result = await swarm.RunAsync(SwarmHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal("I will do it myself.", result.Text);
        Assert.Empty(result.SubAgents);
        Assert.Empty(harness.Executions);
        var requests = harness.Emulator.Requests;
        Assert.Equal(7, requests.Count);
        Assert.Equal("Error: delegate_tasks got no sub-tasks ('tasks' is empty). Call it again with at least one sub-task, or answer yourself.", ToolResult(requests[1]));
        Assert.Equal("Error: sub-task 1 ('a') asks for the tool \"rm_rf\", which does not exist. Available tools: search_code, read_file.", ToolResult(requests[2]));
        Assert.Equal("Error: cannot delegate 1 sub-task(s): sub-task 1 asks for max_steps 500, but the swarm has only 96 steps left for sub-agents; ask for fewer.", ToolResult(requests[3]));
        Assert.Equal("Error: sub-tasks 1 and 2 are identical. Give each sub-task a different name or instructions.", ToolResult(requests[4]));
        Assert.Equal("Error: delegate_tasks needs 'tasks', an array of sub-tasks, each with 'instructions'. Call it again with at least one sub-task.", ToolResult(requests[5]));
        Assert.Equal("Error: sub-task 1 ('a') has no 'instructions'. Say what the sub-agent must do.", ToolResult(requests[6]));

        // The tool on the wire: typed all the way down (Moonshot's schema check passed, or the first call would have been a 400).
        var tool = requests[0].Json.GetProperty("tools")[0].GetProperty("function");
        Assert.Equal("delegate_tasks", tool.GetProperty("name").GetString());
        Assert.Equal("array", tool.GetProperty("parameters").GetProperty("properties").GetProperty("tasks").GetProperty("type").GetString());
    }

    [Fact(Timeout = 30_000)]
    public async Task More_sub_tasks_than_steps_left_is_refused_before_any_sub_agent_runs()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(12, _ => 1) { SubTaskTools = SwarmHarness.ToolNames });
        using var client = harness.InMemoryClient();
        var swarm = new KimiSwarm(client, harness.Tools(), new KimiSwarmOptions { MaxSteps = 10 });

        var result = await swarm.RunAsync(SwarmHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Empty(result.SubAgents);
        Assert.Equal(2, result.Steps);
        Assert.Equal("Error: cannot delegate 12 sub-task(s): the swarm has 9 unreserved model calls (steps) left, one of them kept for you to read the results, " +
                     "and each sub-task needs at least one: delegate at most 8 sub-tasks now, or answer with what you have.", ToolResult(harness.Emulator.Requests[^1]));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_failing_and_a_slow_sub_agent_report_errors_to_the_orchestrator_and_the_others_complete()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(3, _ => 1));
        using var client = harness.InMemoryClient(o => o.Resilience.Enabled = false);
        var script = harness.Script;
        harness.Emulator.Responder = request =>
        {
            var user = request.Json.GetProperty("messages").EnumerateArray().FirstOrDefault(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString();
            if (user?.StartsWith("Sub-task 2 ", StringComparison.Ordinal) == true)
            {
                return EmulatorReply.Error(400, """{"error":{"message":"Invalid request: the prompt is malformed","type":"invalid_request_error"}}""");
            }

            var reply = script.Reply(request);
            if (user?.StartsWith("Sub-task 3 ", StringComparison.Ordinal) == true)
            {
                reply!.Delay = TimeSpan.FromSeconds(20);
            }

            return reply;
        };
        var swarm = new KimiSwarm(client, harness.Tools(), new KimiSwarmOptions { SubAgentTimeout = TimeSpan.FromMilliseconds(500) });

        var result = await swarm.RunAsync(SwarmHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(script.FinalAnswer(1), result.Text);
        Assert.True(result.SubAgents[0].Completed);
        Assert.Equal(KimiAgentStopReason.Failed, result.SubAgents[1].StopReason);
        Assert.StartsWith("failed: ", result.SubAgents[1].Error, StringComparison.Ordinal);
        Assert.Contains("the prompt is malformed", result.SubAgents[1].Error, StringComparison.Ordinal);
        Assert.Equal(KimiAgentStopReason.Cancelled, result.SubAgents[2].StopReason);
        Assert.StartsWith("timed out after 00:00:00.5", result.SubAgents[2].Error, StringComparison.Ordinal);

        using var toolResult = JsonDocument.Parse(ToolResult(harness.Emulator.Requests[^1]));
        var entries = toolResult.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(["completed", "failed", "timed_out"], entries.Select(e => e.GetProperty("status").GetString()));
        Assert.Equal(script.SubTaskAnswer(1), entries[0].GetProperty("answer").GetString());
        Assert.Equal(result.SubAgents[1].Error, entries[1].GetProperty("error").GetString());
        Assert.True(toolResult.RootElement.GetProperty("swarm_budget_left").GetProperty("steps").GetInt32() > 3_990);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_trace_is_one_tree_orchestrator_invoke_agent_then_execute_tool_then_each_sub_agent_with_its_chat_and_tool_spans()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(3, _ => 2) { SubTaskTools = ["read_file"] });
        using var client = harness.InMemoryClient();
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is KimiTelemetry.SourceName or "Kimi.Client.Tests.Swarm",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        using var root = new ActivitySource("Kimi.Client.Tests.Swarm").StartActivity("test");
        var swarm = new KimiSwarm(client, harness.Tools());

        var result = await swarm.RunAsync("swarm-trace", SwarmHarness.Conversation(), TestContext.Current.CancellationToken);

        List<Activity> mine;
        lock (spans)
        {
            mine = spans.Where(s => s.TraceId == Activity.Current!.TraceId).ToList();
        }

        var orchestrator = Assert.Single(mine, s => s.DisplayName == "invoke_agent orchestrator");
        Assert.Equal(ActivityKind.Internal, orchestrator.Kind);
        Assert.Equal("invoke_agent", orchestrator.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("swarm-trace", orchestrator.GetTagItem("gen_ai.agent.id"));
        Assert.Equal("moonshot", orchestrator.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(result.Orchestrator.Usage.InputTokens, orchestrator.GetTagItem("gen_ai.usage.input_tokens"));
        var delegation = Assert.Single(mine, s => s.DisplayName == "execute_tool delegate_tasks");
        Assert.Equal(orchestrator.SpanId, delegation.ParentSpanId);
        Assert.Equal("execute_tool", delegation.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("function", delegation.GetTagItem("gen_ai.tool.type"));
        Assert.NotNull(delegation.GetTagItem("gen_ai.tool.call.id"));
        Assert.Equal(2, mine.Count(s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal) && s.ParentSpanId == orchestrator.SpanId));

        var subAgents = mine.Where(s => s.DisplayName.StartsWith("invoke_agent task-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, subAgents.Count);
        foreach (var subAgent in subAgents)
        {
            Assert.Equal(delegation.SpanId, subAgent.ParentSpanId);
            Assert.Equal("swarm-trace", subAgent.GetTagItem("kimi.agent.parent_run_id"));
            Assert.Equal(3, mine.Count(s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal) && s.ParentSpanId == subAgent.SpanId));
            Assert.Equal(2, mine.Count(s => s.DisplayName == "execute_tool read_file" && s.ParentSpanId == subAgent.SpanId));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task Sub_agents_share_the_clients_per_key_rate_limit()
    {
        await using var harness = new SwarmHarness(new EmulatorSwarmScript(40, _ => 2) { SubTaskTools = SwarmHarness.ToolNames }, chunkDelay: TimeSpan.FromMilliseconds(2));
        // A key of its own: limits are shared per key process-wide, and the first client for a key fixes them.
        using var client = harness.InMemoryClient(o =>
        {
            o.ApiKey = $"sk-swarm-{Guid.NewGuid():N}";
            o.RateLimit = new KimiRateLimitOptions { MaxConcurrentRequests = 4 };
        });
        var swarm = new KimiSwarm(client, harness.Tools());

        var result = await swarm.RunAsync(SwarmHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.All(result.SubAgents, s => Assert.True(s.Completed, s.ToString()));
        Assert.Equal(40 * 3 + 2, harness.Script.Requests);
        Assert.InRange(harness.MaxConcurrentRequests, 2, 4);
    }
}
