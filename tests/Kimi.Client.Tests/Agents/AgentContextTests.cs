using System.Collections.Concurrent;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Agents;

/// <summary>Histories that outgrow the context window: the run ends with ContextLength, or a reducer keeps it in.</summary>
public class AgentContextTests
{
    // About 1,000 tokens by the emulator's estimate (one per four bytes).
    private static AIFunction BigReport() => AIFunctionFactory.Create((string city) => new string('x', 4_000), "get_weather", "A long weather report.");

    private static KimiAgentOptions SmallCalls() => new() { CallOptions = new ChatCompletionOptions { MaxOutputTokens = 100 } };

    [Theory(Timeout = 15_000)]
    [InlineData("Moonshot")]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    public async Task A_history_that_outgrows_the_context_window_ends_the_run_with_ContextLength_and_the_history_intact(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        await using var emulator = AgentHarness.Emulator(provider, contextWindow: 800);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Get the report.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        var agent = new KimiAgent(client, [BigReport()], SmallCalls());

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.ContextLength, result.StopReason);
        Assert.IsType<KimiContextLengthExceededException>(result.Exception);
        Assert.Equal(2, emulator.Requests.Count);
        Assert.Equal([MessageRole.System, MessageRole.User, MessageRole.Assistant, MessageRole.Tool], result.Messages.Select(m => m.Role));
        Assert.Equal(4_000, result.Messages[3].Text.Length);
        Assert.Equal("Get the report.", result.Messages[2].Reasoning);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_scripted_moonshot_token_limit_error_ends_the_run_with_ContextLength()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Get it.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.Error(400, """{"error":{"message":"Your request exceeded model token limit : 262144","type":"invalid_request_error"}}"""));
        var agent = new KimiAgent(client, [AgentHarness.Weather()]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.ContextLength, result.StopReason);
        Assert.Equal(4, result.Messages.Count);
        Assert.Equal(2, result.Steps);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_history_reducer_runs_before_every_call_and_its_output_is_what_goes_on_the_wire()
    {
        await using var emulator = AgentHarness.Emulator(contextWindow: 1_500);
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls("Paris first.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromToolCalls("Now Lyon.", new EmulatorToolCall("get_weather", """{"city":"Lyon"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Both sunny."));
        var seen = new ConcurrentQueue<int>();
        var options = SmallCalls();

        // Keeps the newest tool result whole and shortens older ones: without it, call 3 would not fit in 1,500 tokens.
        options.HistoryReducer = (history, _) =>
        {
            seen.Enqueue(history.Count);
            var lastTool = history.ToList().FindLastIndex(m => m.Role == MessageRole.Tool);
            IReadOnlyList<KimiMessage> reduced = [.. history.Select((m, i) => m.Role == MessageRole.Tool && i != lastTool ? KimiMessage.Tool(m.ToolCallId!, "[older report elided]") : m)];
            return ValueTask.FromResult(reduced);
        };
        var agent = new KimiAgent(client, [BigReport()], options);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal([2, 4, 6], seen);
        var third = AgentHarness.Messages(emulator.Requests[2]);
        Assert.Equal(6, third.GetArrayLength());
        Assert.Equal("[older report elided]", third[3].GetProperty("content").GetString());
        Assert.Equal(4_000, third[5].GetProperty("content").GetString()!.Length);
        Assert.Equal("Paris first.", third[2].GetProperty("reasoning_content").GetString());
        // The run's own history is never reduced.
        Assert.Equal(4_000, result.Messages[3].Text.Length);
    }
}
