namespace Kimi.Client.Agents;

/// <summary>
/// How a <see cref="KimiAgent"/> keeps its history inside the context window. Before a call whose prompt plus output cap
/// would pass <see cref="TriggerShare"/> of the window, it compacts down to <see cref="TargetShare"/>, cheapest first:
/// older reasoning cleared, then older tool results shortened, then (opt-in) older turns summarized by a model call.
/// </summary>
/// <remarks>
/// The system prompt, the task (the first user message) and the last <see cref="KeepRecentTurns"/> assistant turns stay
/// verbatim, and a tool call is never separated from its result. Compaction changes a large block at once and then leaves
/// the history alone until it grows back to the trigger, so the prompt prefix stays byte-stable and the provider's prefix
/// cache keeps hitting between compactions. If the provider still answers with its context-length error (the estimate for
/// messages not yet sent fell short), the agent compacts at once and retries that step once.
/// </remarks>
public sealed class KimiCompactionOptions
{
    /// <summary>Whether the agent compacts at all. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Share of the context window (prompt plus output cap) at which compaction starts. Default: 0.8.</summary>
    public double TriggerShare { get; set; } = 0.8;

    /// <summary>Share of the context window compaction brings the prompt plus output cap down to. Default: 0.5.</summary>
    public double TargetShare { get; set; } = 0.5;

    /// <summary>The most recent assistant turns (with their tool results) that are never compacted. Default: 4.</summary>
    public int KeepRecentTurns { get; set; } = 4;

    /// <summary>
    /// Step 1: replace older turns' reasoning by the smallest form the provider accepts (Moonshot's <c>" "</c> on tool-call
    /// turns, nothing elsewhere). Skipped under <see cref="ThinkingMode.Preserved"/> unless
    /// <see cref="ClearReasoningUnderPreservedThinking"/> is set. Default: <see langword="true"/>.
    /// </summary>
    public bool ClearOldReasoning { get; set; } = true;

    /// <summary>Whether step 1 may clear reasoning that preserved thinking asked to keep. Default: <see langword="false"/>.</summary>
    public bool ClearReasoningUnderPreservedThinking { get; set; }

    /// <summary>Step 2: shorten older tool results to their first and last characters, with a marker saying how much was elided. Default: <see langword="true"/>.</summary>
    public bool ShortenOldToolResults { get; set; } = true;

    /// <summary>Characters kept from the start of a shortened tool result. Default: 600.</summary>
    public int ToolResultHeadChars { get; set; } = 600;

    /// <summary>Characters kept from the end of a shortened tool result. Default: 200.</summary>
    public int ToolResultTailChars { get; set; } = 200;

    /// <summary>
    /// Step 3 (opt-in): replace the older turns by one summary written by a model call on the same client (thinking off, no
    /// tools). The call counts against every budget. Default: <see langword="false"/>.
    /// </summary>
    public bool Summarize { get; set; }

    /// <summary>The system prompt of the summary call.</summary>
    public string SummaryInstructions { get; set; } =
        "You compact an agent's working memory. Summarize the transcript below: what was tried, what each tool returned that still " +
        "matters (names, numbers, paths, decisions), what failed, and what is left to do. Be complete but brief; write plain text.";

    /// <summary>Output cap of the summary call. Default: 2,000 tokens.</summary>
    public int SummaryMaxOutputTokens { get; set; } = 2_000;

    /// <summary>
    /// Counts a prompt's tokens exactly (for example through Moonshot's token-count endpoint) when the agent's estimate says
    /// compaction is due; compaction then runs only if the exact count agrees. Default: none (the estimate decides: exact
    /// counts from earlier calls' usage plus about four characters a token for messages not yet sent).
    /// </summary>
    public Func<IReadOnlyList<KimiMessage>, CancellationToken, ValueTask<int>>? TokenCounter { get; set; }

    /// <summary>
    /// Where the host has a token-count call (Moonshot's <c>tokenizers/estimate-token-count</c>, see
    /// <see cref="KimiPlatformClient.EstimateTokensAsync"/>), count the prompt with it when the estimate says compaction is
    /// due, and compact only if the exact count agrees. One extra request each time the estimate crosses the trigger; not
    /// counted against the run's budgets (it is not a model call). Ignored where the host has no such call, and when
    /// <see cref="TokenCounter"/> is set. Default: off.
    /// </summary>
    public bool UseHostTokenCount { get; set; }

    internal void Validate()
    {
        if (!Enabled)
        {
            return;
        }

        if (TriggerShare is <= 0 or > 1 || TargetShare is <= 0 || TargetShare >= TriggerShare)
        {
            throw new ArgumentOutOfRangeException(nameof(KimiAgentOptions.Compaction),
                $"KimiCompactionOptions needs 0 < TargetShare < TriggerShare <= 1; got TargetShare {TargetShare} and TriggerShare {TriggerShare}.");
        }

        if (KeepRecentTurns < 0 || ToolResultHeadChars < 0 || ToolResultTailChars < 0 || SummaryMaxOutputTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(KimiAgentOptions.Compaction),
                "KimiCompactionOptions: KeepRecentTurns, ToolResultHeadChars and ToolResultTailChars must not be negative, and SummaryMaxOutputTokens must be at least 1.");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(SummaryInstructions, "KimiAgentOptions.Compaction.SummaryInstructions");
    }
}
