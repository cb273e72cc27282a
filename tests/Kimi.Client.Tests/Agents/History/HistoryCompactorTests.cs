using Kimi.Client.Agents;

namespace Kimi.Client.Tests.Agents.History;

/// <summary>The compactor alone: cheapest step first, blocks not crumbs, head and recent turns verbatim, calls never split from results.</summary>
public class HistoryCompactorTests
{
    private static readonly string LongResult = new string('a', 3_000) + new string('z', 1_000);

    /// <summary>System, task, then <paramref name="turns"/> tool-call turns with 1,000-character reasoning and a 4,000-character result each.</summary>
    private static AgentHistory History(int turns, ReasoningOrigin? origin = null)
    {
        var history = new AgentHistory([KimiMessage.System("You are an agent."), KimiMessage.User("Do the task.")]);
        for (var i = 0; i < turns; i++)
        {
            var assistant = new KimiMessage(MessageRole.Assistant) { Reasoning = new string('r', 1_000), ReasoningOrigin = origin };
            assistant.ToolCalls.Add(new ToolCall($"read:{i}", "read", $$"""{"n":{{i}}}"""));
            history.Add(assistant);
            history.Add(new KimiMessage(MessageRole.Tool, LongResult) { ToolCallId = $"read:{i}", Name = "read" });
        }

        return history;
    }

    private static HistoryCompactor Compactor(KimiCompactionOptions? options = null, string? placeholder = " ", ThinkingMode thinking = ThinkingMode.Enabled) =>
        new(options ?? new KimiCompactionOptions(), placeholder, thinking);

    [Fact(Timeout = 15_000)]
    public async Task Reasoning_goes_first_and_alone_when_that_is_enough()
    {
        var history = History(10);
        var tokens = history.PromptTokens; // 10 × (250 + 1,000) + a few
        var compactor = Compactor();

        // A window where clearing six turns' reasoning (6 × 250 tokens) gets under the target.
        var window = (int)((tokens - 1_000) / 0.5);
        var outcome = await compactor.CompactAsync(history, reserve: 0, window, summarize: null, TestContext.Current.CancellationToken);

        Assert.NotNull(outcome);
        Assert.Equal(6, outcome.ReasoningCleared); // every turn but the four recent ones
        Assert.Equal(0, outcome.ToolResultsShortened);
        Assert.Equal(2, outcome.Start); // the head (system, task) is untouched
        Assert.Equal(11, outcome.RemovedCount); // turns 1-6 replaced as one block, ending with the sixth turn's last changed message
        Assert.All(history.Messages.Skip(2).Take(12).Where(m => m.Role == MessageRole.Assistant), m => Assert.Equal(" ", m.Reasoning));
        Assert.All(history.Messages.Skip(14).Where(m => m.Role == MessageRole.Assistant), m => Assert.Equal(1_000, m.Reasoning!.Length));
        Assert.All(history.Messages.Where(m => m.Role == MessageRole.Tool), m => Assert.Equal(LongResult, m.Text));
        Assert.Equal(tokens - (6 * 250), outcome.TokensBefore - (6 * 250));
        Assert.True(history.PromptTokens <= (long)(window * 0.5));
    }

    [Fact(Timeout = 15_000)]
    public async Task Tool_results_are_shortened_oldest_first_to_head_and_tail_with_a_marker_once_reasoning_is_not_enough()
    {
        var history = History(10);
        var compactor = Compactor(new KimiCompactionOptions { ToolResultHeadChars = 100, ToolResultTailChars = 50 });
        var window = (int)((history.PromptTokens - (6 * 250) - (2 * 900)) / 0.5);

        var outcome = await compactor.CompactAsync(history, 0, window, null, TestContext.Current.CancellationToken);

        Assert.NotNull(outcome);
        Assert.Equal(6, outcome.ReasoningCleared);
        Assert.InRange(outcome.ToolResultsShortened, 2, 3);
        var first = history.Messages[3];
        Assert.Equal("read:0", first.ToolCallId);
        Assert.Equal(new string('a', 100) + "\n[... 3,850 characters elided to fit the context window ...]\n" + new string('z', 50), first.Text);
        Assert.Equal(LongResult, history.Messages[13].Text); // the sixth turn's result was not needed
        // Each call is still followed by its own result.
        for (var i = 2; i < history.Count; i += 2)
        {
            Assert.Equal(history.Messages[i].ToolCalls[0].Id, history.Messages[i + 1].ToolCallId);
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task A_summary_replaces_the_whole_older_span_when_the_cheap_steps_are_not_enough()
    {
        var history = History(10);
        IReadOnlyList<KimiMessage>? summarized = null;
        var compactor = Compactor(new KimiCompactionOptions { Summarize = true, KeepRecentTurns = 2 });

        var outcome = await compactor.CompactAsync(history, 0, 1_000, (span, _) =>
        {
            summarized = span;
            return ValueTask.FromResult<(string, TokenUsage?)>(("Read files 0-7; all fine.", new TokenUsage(900, 20)));
        }, TestContext.Current.CancellationToken);

        Assert.NotNull(outcome);
        Assert.Equal(16, summarized!.Count); // eight whole turns: each call with its result
        Assert.Equal(16, outcome.MessagesSummarized);
        Assert.Equal(900, outcome.SummaryUsage!.InputTokens);
        Assert.Equal([MessageRole.System, MessageRole.User, MessageRole.User, MessageRole.Assistant, MessageRole.Tool, MessageRole.Assistant, MessageRole.Tool],
            history.Messages.Select(m => m.Role));
        Assert.EndsWith("\nRead files 0-7; all fine.", history.Messages[2].Text, StringComparison.Ordinal);
        Assert.Equal("read:8", history.Messages[3].ToolCalls[0].Id);
        Assert.Equal(1_000, history.Messages[3].Reasoning!.Length); // recent turns verbatim
        Assert.Contains("  called read({\"n\":0}) [read:0]", HistoryCompactor.Transcript(summarized), StringComparison.Ordinal);
    }

    [Theory(Timeout = 15_000)]
    [InlineData(ThinkingMode.Preserved, false, 1_000)]
    [InlineData(ThinkingMode.Preserved, true, 1)]
    [InlineData(ThinkingMode.Disabled, false, 1_000)]
    public async Task Reasoning_is_kept_under_preserved_thinking_unless_allowed_and_untouched_with_thinking_off(ThinkingMode thinking, bool allow, int reasoningLength)
    {
        var history = History(6);
        var compactor = Compactor(new KimiCompactionOptions { ClearReasoningUnderPreservedThinking = allow }, thinking: thinking);

        await compactor.CompactAsync(history, 0, 2_000, null, TestContext.Current.CancellationToken);

        Assert.Equal(reasoningLength, history.Messages[2].Reasoning!.Length);
        Assert.Equal(1_000, history.Messages[^2].Reasoning!.Length);
    }

    [Fact(Timeout = 15_000)]
    public async Task Without_a_required_field_old_reasoning_is_dropped_with_its_origin()
    {
        var history = History(6, new ReasoningOrigin("vllm", "moonshotai/Kimi-K2.6"));

        await Compactor(placeholder: null).CompactAsync(history, 0, 2_000, null, TestContext.Current.CancellationToken);

        Assert.Null(history.Messages[2].Reasoning);
        Assert.Null(history.Messages[2].ReasoningOrigin);
        Assert.Equal("vllm", history.Messages[^2].ReasoningOrigin!.Dialect);
    }

    [Fact(Timeout = 15_000)]
    public async Task Nothing_changes_when_every_turn_is_recent_or_already_compacted()
    {
        var history = History(4);
        Assert.Null(await Compactor().CompactAsync(history, 0, 100, null, TestContext.Current.CancellationToken));

        var longer = History(6);
        await Compactor(new KimiCompactionOptions { ToolResultHeadChars = 10, ToolResultTailChars = 10 }).CompactAsync(longer, 0, 100, null, TestContext.Current.CancellationToken);
        Assert.Null(await Compactor(new KimiCompactionOptions { ToolResultHeadChars = 10, ToolResultTailChars = 10 }).CompactAsync(longer, 0, 100, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void The_trigger_counts_the_output_cap()
    {
        var compactor = Compactor(new KimiCompactionOptions { TriggerShare = 0.8 });
        Assert.False(compactor.IsDue(7_000, 1_000, 10_000));
        Assert.True(compactor.IsDue(7_001, 1_000, 10_000));
    }
}
