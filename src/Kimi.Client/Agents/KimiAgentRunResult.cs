namespace Kimi.Client.Agents;

/// <summary>How an agent run ended, with the whole history, summed usage and cost.</summary>
public sealed class KimiAgentRunResult
{
    internal KimiAgentRunResult(KimiAgentStopReason stopReason, IReadOnlyList<KimiMessage> messages, ChatCompletion? lastCompletion, int steps, TokenUsage usage, decimal? costUsd, Exception? exception)
    {
        StopReason = stopReason;
        Messages = messages;
        LastCompletion = lastCompletion;
        Steps = steps;
        Usage = usage;
        CostUsd = costUsd;
        Exception = exception;
    }

    /// <summary>Why the run ended.</summary>
    public KimiAgentStopReason StopReason { get; }

    /// <summary>The conversation: the input messages plus every assistant turn and tool result of the run.</summary>
    public IReadOnlyList<KimiMessage> Messages { get; }

    /// <summary>The last model answer, or <see langword="null"/> if no call completed.</summary>
    public ChatCompletion? LastCompletion { get; }

    /// <summary>The final answer's text (empty if the run stopped before one).</summary>
    public string Text => StopReason == KimiAgentStopReason.Completed ? LastCompletion?.Text ?? string.Empty : string.Empty;

    /// <summary>Model calls made.</summary>
    public int Steps { get; }

    /// <summary>Usage summed over every call.</summary>
    public TokenUsage Usage { get; }

    /// <summary>Cost in US dollars, when a price is known.</summary>
    public decimal? CostUsd { get; }

    /// <summary>The failure that ended the run, for <see cref="KimiAgentStopReason.Failed"/>, <see cref="KimiAgentStopReason.ContextLength"/> and <see cref="KimiAgentStopReason.ToolError"/>.</summary>
    public Exception? Exception { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{StopReason} after {Steps} steps; {Usage}{(CostUsd is { } c ? $"; ${c:0.######}" : string.Empty)}";
}
