namespace Kimi.Client;

/// <summary>
/// Token counts for one call, normalized across providers: cached input is counted once whichever field carried it,
/// and reasoning tokens are always part of <see cref="OutputTokens"/> (some hosts report them outside).
/// </summary>
public sealed class TokenUsage
{
    /// <summary>Creates a usage record. Prefer <see cref="KimiModelFactory.TokenUsage"/> in tests.</summary>
    /// <param name="inputTokens">Prompt tokens, including cached ones.</param>
    /// <param name="outputTokens">Completion tokens, including reasoning tokens.</param>
    /// <param name="totalTokens">Total tokens; computed as input + output when <see langword="null"/>.</param>
    /// <param name="cachedInputTokens">Prompt tokens served from the provider's cache.</param>
    /// <param name="reasoningTokens">Completion tokens spent on reasoning.</param>
    public TokenUsage(int inputTokens, int outputTokens, int? totalTokens = null, int cachedInputTokens = 0, int reasoningTokens = 0)
    {
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

    /// <summary>Prompt tokens served from the provider's prompt cache (billed at the cached price).</summary>
    public int CachedInputTokens { get; }

    /// <summary>Output tokens the model spent thinking.</summary>
    public int ReasoningTokens { get; }

    /// <summary>Output tokens of visible text and tool calls (output minus reasoning).</summary>
    public int TextOutputTokens => Math.Max(0, OutputTokens - ReasoningTokens);

    /// <summary>Adds two usage records, field by field (for summing the steps of an agent run).</summary>
    /// <param name="left">The first record.</param>
    /// <param name="right">The second record.</param>
    /// <returns>The sum.</returns>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return new(left.InputTokens + right.InputTokens, left.OutputTokens + right.OutputTokens, left.TotalTokens + right.TotalTokens,
            left.CachedInputTokens + right.CachedInputTokens, left.ReasoningTokens + right.ReasoningTokens);
    }

    /// <summary>Adds two usage records (the named alternative to <c>+</c>).</summary>
    /// <param name="other">The record to add.</param>
    /// <returns>The sum.</returns>
    public TokenUsage Add(TokenUsage other) => this + other;

    /// <inheritdoc/>
    public override string ToString() =>
        $"input {InputTokens} (cached {CachedInputTokens}), output {OutputTokens} (reasoning {ReasoningTokens}), total {TotalTokens}";
}
