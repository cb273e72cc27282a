namespace Kimi.Client.Orleans;

/// <summary>What a rate-limit grain holds now: for diagnostics and tests.</summary>
[GenerateSerializer, Immutable]
internal sealed class RateLimitStatusData
{
    [Id(0)] public RateLimitsData? Limits { get; init; }
    [Id(1)] public int SlotsInUse { get; init; }
    [Id(2)] public int Leases { get; init; }
    [Id(3)] public int Queued { get; init; }
    [Id(4)] public double? AvailableRequests { get; init; }
    [Id(5)] public double? AvailableTokens { get; init; }
    [Id(6)] public required string Silo { get; init; }
    [Id(7)] public int Expired { get; init; }
    [Id(8)] public int Renewals { get; init; }

    public override string ToString() =>
        $"on {Silo}: {SlotsInUse} slots in use, {Leases} leases, {Queued} queued, {Expired} expired, {Renewals} renewals, requests left {AvailableRequests:0.##}, tokens left {AvailableTokens:0.##}";
}
