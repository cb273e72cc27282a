namespace Kimi.Client;

/// <summary>Prices in US dollars per million tokens, for cost budgets and reporting.</summary>
/// <param name="InputPerMillion">Uncached prompt tokens.</param>
/// <param name="CachedInputPerMillion">Prompt tokens served from the provider's cache.</param>
/// <param name="OutputPerMillion">Completion tokens, reasoning included.</param>
public sealed record KimiPricing(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion)
{
    /// <summary>The published price of a host (its <see cref="KimiProvider.Pricing"/>), or <see langword="null"/> when it has none (NVIDIA's catalog, self-hosted).</summary>
    /// <param name="provider">The host.</param>
    /// <returns>The price table, or <see langword="null"/>.</returns>
    public static KimiPricing? ForProvider(KimiProvider provider) => (provider ?? throw new ArgumentNullException(nameof(provider))).Pricing;

    /// <summary>The cost of some usage: (input − cached) × input + cached × cached price + output × output price (cached 0 when not reported).</summary>
    /// <param name="usage">Normalized usage (reasoning tokens are part of output).</param>
    /// <returns>The cost in US dollars.</returns>
    public decimal Cost(TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var cached = usage.CachedInputTokens ?? 0; // not reported: no cache discount assumed
        var uncached = Math.Max(0, usage.InputTokens - cached);
        return ((uncached * InputPerMillion) + (cached * CachedInputPerMillion) + (usage.OutputTokens * OutputPerMillion)) / 1_000_000m;
    }
}
