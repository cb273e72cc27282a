namespace Kimi.Client.Agents;

/// <summary>How an agent run ended, with its live history, summed usage and cost.</summary>
public sealed class KimiAgentRunResult
{
    internal KimiAgentRunResult(string runId, KimiAgentStopReason stopReason, IReadOnlyList<KimiMessage> messages, ChatCompletion? lastCompletion, string text,
        int steps, TokenUsage usage, decimal? costUsd, int compactions, Exception? exception)
    {
        RunId = runId;
        StopReason = stopReason;
        Messages = messages;
        LastCompletion = lastCompletion;
        Text = text;
        Steps = steps;
        Usage = usage;
        CostUsd = costUsd;
        Compactions = compactions;
        Exception = exception;
    }

    /// <summary>The run's id (pass it to <see cref="KimiAgent.ResumeAsync"/>).</summary>
    public string RunId { get; }

    /// <summary>Why the run ended.</summary>
    public KimiAgentStopReason StopReason { get; }

    /// <summary>
    /// The live history: the input messages plus every assistant turn and tool result of the run, as compacted (older
    /// reasoning cleared, tool results shortened, turns summarized) when compaction ran. With a
    /// <see cref="KimiAgentOptions.HistoryReducer"/>, the whole history, unreduced.
    /// </summary>
    public IReadOnlyList<KimiMessage> Messages { get; }

    /// <summary>The last model answer of this process, or <see langword="null"/> if no call completed here.</summary>
    public ChatCompletion? LastCompletion { get; }

    /// <summary>The final answer's text (empty if the run stopped before one).</summary>
    public string Text { get; }

    /// <summary>Model calls made (summary calls of compaction included), across resumes.</summary>
    public int Steps { get; }

    /// <summary>Usage summed over every call, across resumes.</summary>
    public TokenUsage Usage { get; }

    /// <summary>Cost in US dollars, when a price is known.</summary>
    public decimal? CostUsd { get; }

    /// <summary>How many times the history was compacted.</summary>
    public int Compactions { get; }

    /// <summary>Web searches answered in this process (<see cref="KimiAgentOptions.WebSearch"/>).</summary>
    public int WebSearchCalls { get; init; }

    /// <summary>
    /// The search material those searches put into later prompts, in tokens (each call's <c>usage.total_tokens</c>; billed as
    /// input and already part of <see cref="Usage"/> once sent).
    /// </summary>
    public long WebSearchResultTokens { get; init; }

    /// <summary>The failure that ended the run, for <see cref="KimiAgentStopReason.Failed"/>, <see cref="KimiAgentStopReason.ContextLength"/> and <see cref="KimiAgentStopReason.ToolError"/>.</summary>
    public Exception? Exception { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{StopReason} after {Steps} steps; {Usage}{(CostUsd is { } c ? $"; ${c:0.######}" : string.Empty)}";
}
