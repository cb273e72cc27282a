namespace Kimi.Client;

/// <summary>The rarer usage fields a host may report beside the token counts (OpenRouter): cost, upstream cost, own key, cache writes.</summary>
internal sealed record UsageAccounting(decimal? Cost, decimal? UpstreamCost, bool? IsByok, int? CacheWriteTokens)
{
    public static UsageAccounting None { get; } = new(null, null, null, null);
}
