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
        var shape = events.Select(e => (e.Step, Kind: e.GetType().Name)).Where((e, i) => e.Kind != nameof(KimiAgentModelUpdate) || events[i - 1] is not KimiAgentModelUpdate).ToList();
        Assert.Equal((1, nameof(KimiAgentModelCallStarted)), shape[0]);
        Assert.Equal((1, nameof(KimiAgentModelUpdate)), shape[1]);
        Assert.Equal((1, nameof(KimiAgentModelCallCompleted)), shape[2]);
        Assert.Equal([nameof(KimiAgentToolCompleted), nameof(KimiAgentToolCompleted), nameof(KimiAgentToolStarted), nameof(KimiAgentToolStarted)], shape[3..7].Select(e => e.Kind).Order());
        Assert.All(shape[3..7], e => Assert.Equal(1, e.Step));
        Assert.Equal(
            [(2, nameof(KimiAgentModelCallStarted)), (2, nameof(KimiAgentModelUpdate)), (2, nameof(KimiAgentModelCallCompleted)), (2, nameof(KimiAgentRunCompleted))],
            shape[7..]);
        Assert.All(events, e => Assert.Equal(events[0].RunId, e.RunId));

        // Each tool's completion follows its own start and carries the result sent back.
        foreach (var name in new[] { "get_weather", "get_time" })
        {
            var started = events.FindIndex(e => e is KimiAgentToolStarted s && s.ToolCall.Name == name);
            var completed = events.FindIndex(e => e is KimiAgentToolCompleted c && c.ToolCall.Name == name);
            Assert.InRange(started, 0, completed - 1);
        }

        Assert.Equal("Sunny in Paris", events.OfType<KimiAgentToolCompleted>().Single(e => e.ToolCall.Name == "get_weather").Result);
        Assert.Equal("Sunny at noon.", string.Concat(events.OfType<KimiAgentModelUpdate>().Where(e => e.Step == 2).Select(e => e.Update.ContentDelta)));
        Assert.Equal("Weather and time.", string.Concat(events.OfType<KimiAgentModelUpdate>().Where(e => e.Step == 1).Select(e => e.Update.ReasoningDelta)));
        var completedCalls = events.OfType<KimiAgentModelCallCompleted>().ToList();
        Assert.Equal(2, completedCalls[0].Completion.ToolCalls.Count);
        Assert.True(completedCalls[1].Budget.Usage.TotalTokens > completedCalls[0].Budget.Usage.TotalTokens);
        var end = Assert.IsType<KimiAgentRunCompleted>(events[^1]);
        Assert.Equal(KimiAgentStopReason.Completed, end.Result.StopReason);
        Assert.Equal(events[0].RunId, end.Result.RunId);
        Assert.Equal(completedCalls[1].Budget.Usage.TotalTokens, end.Result.Usage.TotalTokens);
        Assert.Equal(end.Result.CostUsd, end.Budget.CostUsd);
    }

    [Fact(Timeout = 15_000)]
    public async Task Without_streaming_there_are_no_update_events()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.Vllm);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Weather.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny."));
        var agent = new KimiAgent(client, [AgentHarness.Weather()], new KimiAgentOptions { UseStreaming = false });
        var kinds = new List<Type>();

        await foreach (var item in agent.RunStreamingAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            kinds.Add(item.GetType());
        }

        Assert.Equal(
            [
                typeof(KimiAgentModelCallStarted), typeof(KimiAgentModelCallCompleted), typeof(KimiAgentToolStarted), typeof(KimiAgentToolCompleted),
                typeof(KimiAgentModelCallStarted), typeof(KimiAgentModelCallCompleted), typeof(KimiAgentRunCompleted),
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
            if (item is KimiAgentToolCompleted)
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
