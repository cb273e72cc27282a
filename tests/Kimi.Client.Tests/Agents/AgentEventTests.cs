using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Tests.Agents;

/// <summary>RunStreamingAsync reports each step as it happens, in an order a UI can follow.</summary>
public class AgentEventTests
{
    [Fact(Timeout = 15_000)]
    public async Task RunStreamingAsync_reports_model_calls_updates_tools_and_the_end_in_order()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls(
            "Weather and time.",
            new EmulatorToolCall("get_weather", """{"city":"Paris"}"""),
            new EmulatorToolCall("get_time", """{"zone":"UTC"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny at noon.", "Summarize."));
        var agent = new KimiAgent(client, [AgentHarness.Weather(), AgentHarness.Time()]);
        var events = new List<KimiAgentEvent>();

        await foreach (var item in agent.RunStreamingAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            events.Add(item);
        }

        // Updates are folded away so the shape reads: started, updates, completed, tools, started, updates, completed, end.
        var shape = events.Select(e => (e.Step, e.Kind)).Where((e, i) => e.Kind != KimiAgentEventKind.ModelUpdate || events[i - 1].Kind != KimiAgentEventKind.ModelUpdate).ToList();
        Assert.Equal((1, KimiAgentEventKind.ModelCallStarted), shape[0]);
        Assert.Equal((1, KimiAgentEventKind.ModelUpdate), shape[1]);
        Assert.Equal((1, KimiAgentEventKind.ModelCallCompleted), shape[2]);
        Assert.Equal([KimiAgentEventKind.ToolInvoking, KimiAgentEventKind.ToolInvoking, KimiAgentEventKind.ToolCompleted, KimiAgentEventKind.ToolCompleted], shape[3..7].Select(e => e.Kind).Order());
        Assert.All(shape[3..7], e => Assert.Equal(1, e.Step));
        Assert.Equal(
            [(2, KimiAgentEventKind.ModelCallStarted), (2, KimiAgentEventKind.ModelUpdate), (2, KimiAgentEventKind.ModelCallCompleted), (2, KimiAgentEventKind.RunCompleted)],
            shape[7..]);

        // Each tool's completion follows its own invocation and carries the result sent back.
        foreach (var name in new[] { "get_weather", "get_time" })
        {
            var invoking = events.FindIndex(e => e.Kind == KimiAgentEventKind.ToolInvoking && e.ToolCall!.Name == name);
            var completed = events.FindIndex(e => e.Kind == KimiAgentEventKind.ToolCompleted && e.ToolCall!.Name == name);
            Assert.InRange(invoking, 0, completed - 1);
        }

        Assert.Equal("Sunny in Paris", events.Single(e => e.Kind == KimiAgentEventKind.ToolCompleted && e.ToolCall!.Name == "get_weather").ToolResult);
        Assert.Equal("Sunny at noon.", string.Concat(events.Where(e => e is { Kind: KimiAgentEventKind.ModelUpdate, Step: 2 }).Select(e => e.Update!.ContentDelta)));
        Assert.Equal("Weather and time.", string.Concat(events.Where(e => e is { Kind: KimiAgentEventKind.ModelUpdate, Step: 1 }).Select(e => e.Update!.ReasoningDelta)));
        var completedCalls = events.Where(e => e.Kind == KimiAgentEventKind.ModelCallCompleted).ToList();
        Assert.Equal(2, completedCalls[0].Completion!.ToolCalls.Count);
        Assert.True(completedCalls[1].Usage!.TotalTokens > completedCalls[0].Usage!.TotalTokens);
        var end = events[^1].Result!;
        Assert.Equal(KimiAgentStopReason.Completed, end.StopReason);
        Assert.Equal(completedCalls[1].Usage!.TotalTokens, end.Usage.TotalTokens);
        Assert.Equal(end.CostUsd, events[^1].CostUsd);
    }

    [Fact(Timeout = 15_000)]
    public async Task Without_streaming_there_are_no_update_events()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.Vllm);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Weather.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny."));
        var agent = new KimiAgent(client, [AgentHarness.Weather()], new KimiAgentOptions { UseStreaming = false });
        var kinds = new List<KimiAgentEventKind>();

        await foreach (var item in agent.RunStreamingAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            kinds.Add(item.Kind);
        }

        Assert.Equal(
            [
                KimiAgentEventKind.ModelCallStarted, KimiAgentEventKind.ModelCallCompleted, KimiAgentEventKind.ToolInvoking, KimiAgentEventKind.ToolCompleted,
                KimiAgentEventKind.ModelCallStarted, KimiAgentEventKind.ModelCallCompleted, KimiAgentEventKind.RunCompleted,
            ],
            kinds);
        Assert.All(emulator.Requests, r => Assert.False(r.Stream));
    }

    [Fact(Timeout = 15_000)]
    public async Task Breaking_out_of_RunStreamingAsync_stops_the_run()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Responder = _ => EmulatorReply.FromToolCalls("Again.", new EmulatorToolCall("get_weather", """{"city":"Paris"}"""));
        var agent = new KimiAgent(client, [AgentHarness.Weather()]);

        await foreach (var item in agent.RunStreamingAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            if (item.Kind == KimiAgentEventKind.ToolCompleted)
            {
                break;
            }
        }

        var requests = emulator.Requests.Count;
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(1, requests);
        Assert.Equal(requests, emulator.Requests.Count);
    }
}
