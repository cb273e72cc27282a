namespace Kimi.Client.Orleans;

/// <summary>A <see cref="TokenUsage"/> on the wire between grains (the core type has no Orleans serializer).</summary>
[GenerateSerializer, Immutable]
internal sealed class UsageData
{
    [Id(0)] public int Input { get; init; }
    [Id(1)] public int Output { get; init; }
    [Id(2)] public int Total { get; init; }
    [Id(3)] public int? Cached { get; init; }
    [Id(4)] public int? Reasoning { get; init; }
    [Id(5)] public decimal? Cost { get; init; }
    [Id(6)] public decimal? UpstreamCost { get; init; }
    [Id(7)] public int? CacheWrite { get; init; }

    public static UsageData? From(TokenUsage? usage) => usage is null ? null : new()
    {
        Input = usage.InputTokens,
        Output = usage.OutputTokens,
        Total = usage.TotalTokens,
        Cached = usage.CachedInputTokens,
        Reasoning = usage.ReasoningTokens,
        Cost = usage.Cost,
        UpstreamCost = usage.UpstreamCost,
        CacheWrite = usage.CacheWriteTokens,
    };

    public TokenUsage ToUsage()
    {
        var usage = new TokenUsage(Input, Output, Total, Cached, Reasoning);
        // The accounting fields are set only when reported, so a sum keeps them null ("not reported") as the core does.
        return Cost is null && UpstreamCost is null && CacheWrite is null
            ? usage
            : new TokenUsage(Input, Output, Total, Cached, Reasoning) { Cost = Cost, UpstreamCost = UpstreamCost, CacheWriteTokens = CacheWrite };
    }
}
