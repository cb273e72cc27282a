namespace Kimi.Client.Agents;

/// <summary>The history was compacted before a model call so the prompt stays inside the context window.</summary>
public sealed class KimiAgentHistoryCompacted : KimiAgentEvent
{
    internal KimiAgentHistoryCompacted(string runId, int step, long tokensBefore, long tokensAfter, int messagesBefore, int messagesAfter,
        int firstChangedMessage, int reasoningCleared, int toolResultsShortened, int messagesSummarized, TokenUsage? summaryUsage)
        : base(runId, step)
    {
        TokensBefore = tokensBefore;
        TokensAfter = tokensAfter;
        MessagesBefore = messagesBefore;
        MessagesAfter = messagesAfter;
        FirstChangedMessage = firstChangedMessage;
        ReasoningCleared = reasoningCleared;
        ToolResultsShortened = toolResultsShortened;
        MessagesSummarized = messagesSummarized;
        SummaryUsage = summaryUsage;
    }

    /// <summary>Estimated prompt tokens before compaction.</summary>
    public long TokensBefore { get; }

    /// <summary>Estimated prompt tokens after compaction.</summary>
    public long TokensAfter { get; }

    /// <summary>Messages in the history before.</summary>
    public int MessagesBefore { get; }

    /// <summary>Messages in the history after.</summary>
    public int MessagesAfter { get; }

    /// <summary>Index of the first message that changed: everything before it is byte-identical, so the provider's prefix cache still hits there.</summary>
    public int FirstChangedMessage { get; }

    /// <summary>Older assistant turns whose reasoning was replaced by the smallest form the provider accepts.</summary>
    public int ReasoningCleared { get; }

    /// <summary>Older tool results shortened to their head and tail.</summary>
    public int ToolResultsShortened { get; }

    /// <summary>Messages replaced by one summary (0 unless <see cref="KimiCompactionOptions.Summarize"/> is on and was needed).</summary>
    public int MessagesSummarized { get; }

    /// <summary>Usage of the summary call, if one was made (it counts against every budget).</summary>
    public TokenUsage? SummaryUsage { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{base.ToString()} {TokensBefore:N0} -> {TokensAfter:N0} tokens, {MessagesBefore} -> {MessagesAfter} messages";
}
