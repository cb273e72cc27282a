namespace Kimi.Client.Orleans;

/// <summary>A partition's limits on the wire (<see cref="KimiRateLimitPartition"/> without its identity, which is the grain's key).</summary>
[GenerateSerializer, Immutable]
internal sealed class RateLimitsData
{
    [Id(0)] public int? RequestsPerMinute { get; init; }
    [Id(1)] public int? TokensPerMinute { get; init; }
    [Id(2)] public int? MaxConcurrentRequests { get; init; }

    public static RateLimitsData From(KimiRateLimitPartition partition) => new()
    {
        RequestsPerMinute = partition.RequestsPerMinute,
        TokensPerMinute = partition.TokensPerMinute,
        MaxConcurrentRequests = partition.MaxConcurrentRequests,
    };

    public override string ToString() => $"requests/min {RequestsPerMinute}, tokens/min {TokensPerMinute}, concurrent {MaxConcurrentRequests}";
}
