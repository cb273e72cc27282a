using Kimi.Client.Agents;
using Kimi.Client.Testing;

namespace Kimi.Client.Tests.Agents;

/// <summary>Forced tool choices with thinking on (conformance 10): refused before sending, or thinking turned off on request.</summary>
public class AgentToolChoiceTests
{
    public static TheoryData<string> ForcedChoices => ["required", "get_weather"];

    private static ToolChoice Choice(string name) => name == "required" ? ToolChoice.Required : ToolChoice.Function(name);

    [Theory(Timeout = 15_000)]
    [MemberData(nameof(ForcedChoices))]
    public async Task A_forced_tool_choice_with_thinking_on_moonshot_fails_before_sending_and_names_both_ways_out(string choice)
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        var agent = new KimiAgent(client, [AgentHarness.Weather()], new KimiAgentOptions { CallOptions = new ChatCompletionOptions { ToolChoice = Choice(choice) } });

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken));

        Assert.Contains("ThinkingMode.Disabled", error.Message, StringComparison.Ordinal);
        Assert.Contains("DisableThinkingForForcedToolChoice", error.Message, StringComparison.Ordinal);
        Assert.Contains("ToolChoice.Auto", error.Message, StringComparison.Ordinal);
        Assert.Empty(emulator.Requests);
    }

    [Theory(Timeout = 15_000)]
    [MemberData(nameof(ForcedChoices))]
    public async Task DisableThinkingForForcedToolChoice_sends_thinking_disabled_with_the_choice_and_moonshot_accepts_it(string choice)
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator, o => o.DisableThinkingForForcedToolChoice = true);
        emulator.Enqueue(EmulatorReply.FromToolCalls("dropped: thinking is off", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny."));
        var agent = new KimiAgent(client, [AgentHarness.Weather()], new KimiAgentOptions { CallOptions = new ChatCompletionOptions { ToolChoice = Choice(choice) } });

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal(2, emulator.Requests.Count);
        foreach (var request in emulator.Requests)
        {
            Assert.Equal("disabled", request.Json.GetProperty("thinking").GetProperty("type").GetString());
            var sent = request.Json.GetProperty("tool_choice");
            Assert.Equal(choice, choice == "required" ? sent.GetString() : sent.GetProperty("function").GetProperty("name").GetString());
        }

        Assert.Null(result.Messages[2].Reasoning);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_turn_made_with_thinking_off_gets_the_placeholder_when_a_later_call_thinks()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator, o => o.DisableThinkingForForcedToolChoice = true);
        emulator.Enqueue(EmulatorReply.FromToolCalls(null, new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        var forced = new KimiAgent(client, [AgentHarness.Weather()], new KimiAgentOptions { MaxSteps = 1, CallOptions = new ChatCompletionOptions { ToolChoice = ToolChoice.Required } });
        var first = await forced.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);
        Assert.Equal(KimiAgentStopReason.MaxSteps, first.StopReason);

        emulator.Enqueue(EmulatorReply.FromText("Sunny.", "The tool said so."));
        var thinking = new KimiAgent(client, [AgentHarness.Weather()]);
        var second = await thinking.RunAsync(first.Messages, TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, second.StopReason);
        var last = emulator.Requests[^1];
        Assert.Equal("enabled", last.Json.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal(" ", AgentHarness.Message(last, 2).GetProperty("reasoning_content").GetString());
    }
}
