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
    /// Overrides the built-in compaction: shrinks the history before each model call and returns what is sent. The run's own
    /// history is not changed. While it is set, <see cref="Compaction"/> is not used.
    /// </summary>
    public Func<IReadOnlyList<KimiMessage>, CancellationToken, ValueTask<IReadOnlyList<KimiMessage>>>? HistoryReducer { get; set; }

    /// <summary>
    /// How the history is kept inside the context window: older reasoning cleared, older tool results shortened, and (opt-in)
    /// older turns summarized. With <see cref="KimiCompactionOptions.Enabled"/> off, a history that no longer fits ends the run
    /// with <see cref="KimiAgentStopReason.ContextLength"/> and the history intact.
    /// </summary>
    public KimiCompactionOptions Compaction { get; set; } = new();

    /// <summary>The context window compaction works against, in tokens. Default: the provider's (262,144 for Kimi K2.6).</summary>
    public int? ContextWindow { get; set; }

    /// <summary>Where the run's state is appended after every step, so <see cref="KimiAgent.ResumeAsync"/> can continue it after a crash. Default: none.</summary>
    /// <remarks>Use <see cref="InMemoryKimiAgentCheckpointStore"/> within one process, or the SQLite store of Kimi.Client.Agents.Sqlite across processes.</remarks>
    public IKimiAgentCheckpointStore? CheckpointStore { get; set; }

    /// <summary>Names of tools that are safe to run twice: on resume, such a call that started but did not finish runs again.</summary>
    public ISet<string> IdempotentTools { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Decides, on resume, what to do with a call of a tool not in <see cref="IdempotentTools"/> that started but did not finish:
    /// return the text to send back as its result, or <see langword="null"/> to run it again. Without one, the model gets an
    /// error result saying the call was interrupted and may or may not have taken effect; the tool is not run again.
    /// </summary>
    public Func<ToolCall, CancellationToken, ValueTask<string?>>? InterruptedToolCallHandler { get; set; }

    /// <summary>
    /// Lets the model search the web with Moonshot's built-in <c>$web_search</c> tool (hosts with
    /// <see cref="KimiProvider.HasWebSearchTool"/>): each search call is answered by echoing its arguments, calls are not
    /// streamed and run with thinking off (one warning per run). Searches are counted in <see cref="KimiAgentRunResult.WebSearchCalls"/>.
    /// </summary>
    public bool WebSearch { get; set; }

    /// <summary>Most search rounds in a row without an answer before the run stops with <see cref="KimiWebSearchLoopException"/>. Default: 8.</summary>
    public int MaxWebSearchRounds { get; set; } = 8;

    /// <summary>The clock for <see cref="MaxWallTime"/>. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
