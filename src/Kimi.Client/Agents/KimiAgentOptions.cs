namespace Kimi.Client.Agents;

/// <summary>Budgets and behaviour of a <see cref="KimiAgent"/> run. Every budget is optional; a run stops cleanly at the first one reached.</summary>
public sealed class KimiAgentOptions
{
    /// <summary>Most model calls in one run. Default: 50.</summary>
    public int? MaxSteps { get; set; } = 50;

    /// <summary>Most tokens (input + output, summed over calls) in one run.</summary>
    public int? MaxTotalTokens { get; set; }

    /// <summary>Most US dollars one run may spend; needs a price (<see cref="Pricing"/> or the provider's published one).</summary>
    public decimal? MaxCostUsd { get; set; }

    /// <summary>Longest a run may take, measured with <see cref="TimeProvider"/>.</summary>
    public TimeSpan? MaxWallTime { get; set; }

    /// <summary>Prices for cost reporting and <see cref="MaxCostUsd"/>. Default: the provider's published price (Moonshot, DeepInfra).</summary>
    public KimiPricing? Pricing { get; set; }

    /// <summary>How many tool calls of one turn run at once. Default: 8.</summary>
    public int MaxParallelToolCalls { get; set; } = 8;

    /// <summary>Whether a tool that throws ends the run (<see cref="KimiAgentStopReason.ToolError"/>) instead of its error going back to the model. Default: <see langword="false"/>.</summary>
    public bool StopOnToolError { get; set; }

    /// <summary>Settings for every model call (thinking, output cap, response format …). Tools are set by the agent.</summary>
    public ChatCompletionOptions? CallOptions { get; set; }

    /// <summary>Whether model calls stream (progress events per delta, and long thinking calls stay alive through proxies). Default: <see langword="true"/>.</summary>
    public bool UseStreaming { get; set; } = true;

    /// <summary>
    /// Shrinks the history before each model call (summarize, drop old tool results …). Without one, a context-length
    /// error ends the run with <see cref="KimiAgentStopReason.ContextLength"/> and the history intact.
    /// </summary>
    public Func<IReadOnlyList<KimiMessage>, CancellationToken, ValueTask<IReadOnlyList<KimiMessage>>>? HistoryReducer { get; set; }

    /// <summary>The clock for <see cref="MaxWallTime"/>. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
