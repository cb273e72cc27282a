using Kimi.Client.Ecosystem.Tests.Infrastructure;
using Kimi.Client.Testing;
using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Ecosystem.Tests.AgentFramework;

/// <summary>A two-agent workflow (Microsoft.Agents.AI.Workflows): a researcher with tools hands over to a writer, both Kimi on the Moonshot dialect.</summary>
public class WorkflowTests
{
    [Fact(Timeout = 30_000)]
    public async Task A_sequential_two_agent_workflow_runs_with_Kimi_agents_and_thinking_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Research: get_weather for Paris.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromText("Facts: sunny, 21 °C in Paris.", "Summarize the facts."));
        harness.Emulator.Enqueue(EmulatorReply.FromText("Paris basks in sunshine today.", "Write one line from the facts."));
        var researcher = ChatClientAgentTests.CreateAgent(harness, "researcher", "Find the facts with your tools.");
        var writer = ChatClientAgentTests.CreateAgent(harness, "writer", "Write one line for readers.", AIFunctionFactory.Create(() => "unused", "noop", "Does nothing."));
        var workflow = AgentWorkflowBuilder.BuildSequential(researcher, writer);

        await using var run = await InProcessExecution.RunStreamingAsync(workflow, new List<ChatMessage> { new(ChatRole.User, "Weather line for Paris?") }, cancellationToken: ct);
        await run.TrySendMessageAsync(new TurnToken(emitEvents: true));
        List<ChatMessage>? output = null;
        var updates = new List<AgentResponseUpdateEvent>();
        await foreach (var evt in run.WatchStreamAsync(ct))
        {
            switch (evt)
            {
                case AgentResponseUpdateEvent update:
                    updates.Add(update);
                    break;
                case WorkflowOutputEvent done:
                    output = done.As<List<ChatMessage>>();
                    break;
                case WorkflowErrorEvent error:
                    Assert.Fail($"Workflow failed: {error.Exception}");
                    break;
            }

            if (output is not null)
            {
                break;
            }
        }

        Assert.NotNull(output);
        Assert.Equal("Paris basks in sunshine today.", output[^1].Text);
        Assert.Equal(3, harness.Emulator.Requests.Count);
        harness.AssertThinkingAndReasoning(1, "Research: get_weather for Paris.");

        // The writer's call carries the researcher's turns as the framework hands them over. The workflow drops reasoning
        // contents on the way, but the tool-call turn still goes out with its own reasoning (not the " " placeholder):
        // the reasoning rides on the call too (KimiPropertyNames.ToolTurnReasoning).
        var writerCall = harness.Messages(2);
        harness.AssertThinkingAndReasoning(2, "Research: get_weather for Paris.");
        Assert.Contains(writerCall, m => m.GetProperty("role").GetString() == "system" && m.GetProperty("content").GetString() == "Write one line for readers.");
        Assert.Contains(writerCall, m => m.TryGetProperty("content", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String && c.GetString()!.Contains("Facts: sunny", StringComparison.Ordinal));
        Assert.Contains(updates, u => u.ExecutorId.Contains("researcher", StringComparison.Ordinal));
        Assert.Contains(updates, u => u.ExecutorId.Contains("writer", StringComparison.Ordinal));
    }
}
