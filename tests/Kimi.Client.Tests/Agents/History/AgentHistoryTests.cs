using Kimi.Client.Agents;

namespace Kimi.Client.Tests.Agents.History;

/// <summary>The ledger: exact prompt-token deltas from each call's usage, estimates only for what was not sent yet.</summary>
public class AgentHistoryTests
{
    [Fact]
    public void Unsent_messages_are_estimated_at_four_characters_a_token()
    {
        var history = new AgentHistory([KimiMessage.System(new string('s', 40)), KimiMessage.User("12345")]);

        Assert.Equal(10 + 2, history.PromptTokens);
        Assert.Equal(2, history.ProtectedCount);
    }

    [Fact]
    public void Each_call_settles_the_new_messages_to_the_exact_prompt_delta()
    {
        var history = new AgentHistory([KimiMessage.System("sys"), KimiMessage.User("task")]);
        history.Settle(sent: 2, promptTokens: 50); // tools and template included
        Assert.Equal(50, history.PromptTokens);

        var assistant = new KimiMessage(MessageRole.Assistant) { Reasoning = "think" };
        assistant.ToolCalls.Add(new ToolCall("a:0", "a", "{}"));
        history.Add(assistant, knownTokens: 30); // the model's output tokens
        history.Add(new KimiMessage(MessageRole.Tool, new string('x', 400)) { ToolCallId = "a:0" }); // ~100
        Assert.Equal(50 + 30 + 100, history.PromptTokens);

        history.Settle(sent: 4, promptTokens: 210); // the provider counted 160 for the two new messages
        Assert.Equal(210, history.PromptTokens);
        Assert.Equal(50, history.TokensOf(0) + history.TokensOf(1));
        Assert.Equal(160, history.TokensOf(2) + history.TokensOf(3));
        Assert.Equal(30 * 160 / 130, history.TokensOf(2)); // shared in proportion to the estimates

        history.Add(KimiMessage.User("more"));
        Assert.Equal(211, history.PromptTokens);
    }

    [Fact]
    public void Replacing_messages_keeps_the_sum_consistent()
    {
        var history = new AgentHistory([KimiMessage.System("sys"), KimiMessage.User("task"), KimiMessage.Assistant(new string('a', 400)), KimiMessage.User("next")]);
        history.Settle(4, 200);
        var replaced = history.TokensOf(2);
        var summary = KimiMessage.User("short");

        history.Replace(2, 1, [(summary, 2)]);

        Assert.Equal(200 - replaced + 2, history.PromptTokens);
        Assert.Same(summary, history.Messages[2]);
        Assert.Equal(4, history.Count);
    }
}
