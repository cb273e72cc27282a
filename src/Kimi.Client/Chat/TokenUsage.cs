namespace Kimi.Client;

/// <summary>
/// Token counts for one call, normalized across providers: cached input is counted once whichever field carried it,
/// and reasoning tokens are always part of <see cref="OutputTokens"/> (some hosts report them outside). A count the host
/// did not report (Ollama reports no details) is <see langword="null"/>, never a made-up 0.
/// </summary>
public sealed class TokenUsage
{
    // Rare (OpenRouter's cost fields): one reference, so the usage every other host reports stays small.
    private readonly UsageAccounting? _accounting;

    /// <summary>Creates a usage record. Prefer <see cref="KimiModelFactory.TokenUsage"/> in tests.</summary>
    /// <param name="inputTokens">Prompt tokens, including cached ones.</param>
    /// <param name="outputTokens">Completion tokens, including reasoning tokens.</param>
    /// <param name="totalTokens">Total tokens; computed as input + output when <see langword="null"/>.</param>
    /// <param name="cachedInputTokens">Prompt tokens served from the provider's cache, or <see langword="null"/> when not reported.</param>
    /// <param name="reasoningTokens">Completion tokens spent on reasoning, or <see langword="null"/> when not reported.</param>
    public TokenUsage(int inputTokens, int outputTokens, int? totalTokens = null, int? cachedInputTokens = null, int? reasoningTokens = null)
        : this(inputTokens, outputTokens, totalTokens, cachedInputTokens, reasoningTokens, null)
    {
    }

    internal TokenUsage(int inputTokens, int outputTokens, int? totalTokens, int? cachedInputTokens, int? reasoningTokens, UsageAccounting? accounting)
    {
        _accounting = accounting;
        InputTokens = inputTokens;
        OutputTokens = outputTokens;
        TotalTokens = totalTokens ?? inputTokens + outputTokens;
        CachedInputTokens = cachedInputTokens;
        ReasoningTokens = reasoningTokens;
    }

    /// <summary>Prompt tokens, including <see cref="CachedInputTokens"/>.</summary>
    public int InputTokens { get; }

    /// <summary>Completion tokens, including <see cref="ReasoningTokens"/>.</summary>
    public int OutputTokens { get; }

    /// <summary>Input plus output tokens, as the provider reported it or computed when it did not.</summary>
    public int TotalTokens { get; }

    /// <summary>
    /// Prompt tokens served from the provider's prompt cache (billed at the cached price), or <see langword="null"/> when the
    /// host did not report it (then no cache discount is assumed).
    /// </summary>
    public int? CachedInputTokens { get; }

    /// <summary>Output tokens the model spent thinking, or <see langword="null"/> when the host did not report it.</summary>
    public int? ReasoningTokens { get; }

    /// <summary>Prompt tokens written to the provider's cache (OpenRouter's <c>cache_write_tokens</c>), or <see langword="null"/> when not reported.</summary>
    public int? CacheWriteTokens
    {
        get => _accounting?.CacheWriteTokens;
        init => _accounting = (_accounting ?? UsageAccounting.None) with { CacheWriteTokens = value };
    }

    /// <summary>
    /// What the call cost, in US dollars, as the host reported it (OpenRouter's <c>usage.cost</c>, exact), or <see langword="null"/> when
    /// it reported none (never 0 for "unknown"). Where reported, it wins over the price table for this call in cost budgets.
    /// </summary>
    public decimal? Cost
    {
        get => _accounting?.Cost;
        init => _accounting = (_accounting ?? UsageAccounting.None) with { Cost = value };
    }

    /// <summary>What the upstream charged, in US dollars (OpenRouter's <c>cost_details.upstream_inference_cost</c>; meaningful with your own key), or <see langword="null"/>.</summary>
    public decimal? UpstreamCost
    {
        get => _accounting?.UpstreamCost;
        init => _accounting = (_accounting ?? UsageAccounting.None) with { UpstreamCost = value };
    }

    /// <summary>Whether the call ran on your own upstream key (OpenRouter's <c>is_byok</c>), or <see langword="null"/> when not reported.</summary>
    public bool? IsByok
    {
        get => _accounting?.IsByok;
        init => _accounting = (_accounting ?? UsageAccounting.None) with { IsByok = value };
    }

    /// <summary>Output tokens of visible text and tool calls (output minus reasoning; all output when reasoning was not reported).</summary>
    public int TextOutputTokens => Math.Max(0, OutputTokens - (ReasoningTokens ?? 0));

    /// <summary>
    /// Adds two usage records, field by field (for summing the steps of an agent run). A detail count is
    /// <see langword="null"/> in the sum only when neither record reported it.
    /// </summary>
    /// <param name="left">The first record.</param>
    /// <param name="right">The second record.</param>
    /// <returns>The sum.</returns>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var accounting = left._accounting is null && right._accounting is null
            ? null
            : new UsageAccounting(Sum(left.Cost, right.Cost), Sum(left.UpstreamCost, right.UpstreamCost), null, Sum(left.CacheWriteTokens, right.CacheWriteTokens));
        return new(left.InputTokens + right.InputTokens, left.OutputTokens + right.OutputTokens, left.TotalTokens + right.TotalTokens,
            Sum(left.CachedInputTokens, right.CachedInputTokens), Sum(left.ReasoningTokens, right.ReasoningTokens), accounting);
    }

    /// <summary>Adds two usage records (the named alternative to <c>+</c>).</summary>
    /// <param name="other">The record to add.</param>
    /// <returns>The sum.</returns>
    public TokenUsage Add(TokenUsage other) => this + other;

    /// <inheritdoc/>
    public override string ToString() =>
        $"input {InputTokens} (cached {Show(CachedInputTokens)}), output {OutputTokens} (reasoning {Show(ReasoningTokens)}), total {TotalTokens}" +
        (Cost is { } cost ? $", cost ${cost.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : string.Empty);

    private static int? Sum(int? left, int? right) => left is null && right is null ? null : (left ?? 0) + (right ?? 0);

    private static decimal? Sum(decimal? left, decimal? right) => left is null && right is null ? null : (left ?? 0) + (right ?? 0);

    private static string Show(int? count) => count?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown";
}
