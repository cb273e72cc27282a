namespace Kimi.Client;

/// <summary>Prices in US dollars per million tokens, for cost budgets and reporting.</summary>
public sealed class KimiPricing : IEquatable<KimiPricing>
{
    /// <summary>Creates a price table.</summary>
    /// <param name="inputPerMillion">Per million uncached prompt tokens.</param>
    /// <param name="cachedInputPerMillion">Per million prompt tokens served from the host's cache.</param>
    /// <param name="outputPerMillion">Per million completion tokens, reasoning included.</param>
    /// <exception cref="ArgumentOutOfRangeException">A price is negative.</exception>
    public KimiPricing(decimal inputPerMillion, decimal cachedInputPerMillion, decimal outputPerMillion)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputPerMillion);
        ArgumentOutOfRangeException.ThrowIfNegative(cachedInputPerMillion);
        ArgumentOutOfRangeException.ThrowIfNegative(outputPerMillion);
        InputPerMillion = inputPerMillion;
        CachedInputPerMillion = cachedInputPerMillion;
        OutputPerMillion = outputPerMillion;
    }

    /// <summary>Price per million uncached prompt tokens.</summary>
    public decimal InputPerMillion { get; }

    /// <summary>Price per million prompt tokens served from the host's cache.</summary>
    public decimal CachedInputPerMillion { get; }

    /// <summary>Price per million completion tokens, reasoning included.</summary>
    public decimal OutputPerMillion { get; }

    /// <summary>Whether two tables have the same prices.</summary>
    /// <param name="left">One table.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(KimiPricing? left, KimiPricing? right) => Equals(left, right);

    /// <summary>Whether two tables differ.</summary>
    /// <param name="left">One table.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(KimiPricing? left, KimiPricing? right) => !Equals(left, right);

    /// <inheritdoc/>
    public bool Equals(KimiPricing? other) =>
        other is not null && InputPerMillion == other.InputPerMillion && CachedInputPerMillion == other.CachedInputPerMillion && OutputPerMillion == other.OutputPerMillion;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as KimiPricing);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(InputPerMillion, CachedInputPerMillion, OutputPerMillion);

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{InputPerMillion} in / {CachedInputPerMillion} cached / {OutputPerMillion} out per million tokens");

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
