
namespace Kimi.Client.Agents;

/// <summary>What happened in an agent run.</summary>
public enum KimiAgentEventKind
{
    /// <summary>A model call is about to be sent.</summary>
    ModelCallStarted = 0,

    /// <summary>A streamed piece of the model's answer (only with <see cref="KimiAgentOptions.UseStreaming"/>).</summary>
    ModelUpdate = 1,

    /// <summary>A model call finished.</summary>
    ModelCallCompleted = 2,

    /// <summary>A tool is about to run.</summary>
    ToolInvoking = 3,

    /// <summary>A tool returned (or failed: see <see cref="KimiAgentEvent.ToolError"/>).</summary>
    ToolCompleted = 4,

    /// <summary>The run ended; <see cref="KimiAgentEvent.Result"/> says why.</summary>
    RunCompleted = 5,
}

/// <summary>One step of an agent run, observed as it happens.</summary>
public sealed class KimiAgentEvent
{
    internal KimiAgentEvent(KimiAgentEventKind kind, int step)
    {
        Kind = kind;
        Step = step;
    }

    /// <summary>What happened.</summary>
    public KimiAgentEventKind Kind { get; }

    /// <summary>The model call (1-based) this event belongs to.</summary>
    public int Step { get; }

    /// <summary>For <see cref="KimiAgentEventKind.ModelUpdate"/>: the streamed update.</summary>
    public ChatCompletionUpdate? Update { get; init; }

    /// <summary>For <see cref="KimiAgentEventKind.ModelCallCompleted"/>: the model's answer.</summary>
    public ChatCompletion? Completion { get; init; }

    /// <summary>For tool events: the call.</summary>
    public ToolCall? ToolCall { get; init; }

    /// <summary>For <see cref="KimiAgentEventKind.ToolCompleted"/>: the result sent back to the model.</summary>
    public string? ToolResult { get; init; }

    /// <summary>For <see cref="KimiAgentEventKind.ToolCompleted"/>: the tool's exception, if it threw.</summary>
    public Exception? ToolError { get; init; }

    /// <summary>Usage summed so far.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Cost so far in US dollars, when a price is known.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Tokens left under <see cref="KimiAgentOptions.MaxTotalTokens"/>, when that budget is set.</summary>
    public int? RemainingTokens { get; init; }

    /// <summary>US dollars left under <see cref="KimiAgentOptions.MaxCostUsd"/>, when that budget is set.</summary>
    public decimal? RemainingCostUsd { get; init; }

    /// <summary>Model calls left under <see cref="KimiAgentOptions.MaxSteps"/>, when that budget is set.</summary>
    public int? RemainingSteps { get; init; }

    /// <summary>For <see cref="KimiAgentEventKind.RunCompleted"/>: the result.</summary>
    public KimiAgentRunResult? Result { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Step}: {Kind}{(ToolCall is null ? string.Empty : $" {ToolCall.Name}")}";

}
