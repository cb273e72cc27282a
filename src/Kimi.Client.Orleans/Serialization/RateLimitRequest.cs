namespace Kimi.Client.Orleans;

/// <summary>One ask of the rate-limit grain for a call: the limits, the call's estimate, how long it may still wait, and the lease terms.</summary>
[GenerateSerializer, Immutable]
internal sealed class RateLimitRequest
{
    [Id(0)] public required RateLimitsData Limits { get; init; }
    [Id(1)] public int EstimatedTokens { get; init; }
    [Id(2)] public TimeSpan MaxWait { get; init; }

    /// <summary>How long a granted slot stays held without a renewal.</summary>
    [Id(3)] public TimeSpan LeaseDuration { get; init; }

    /// <summary>How long a queued caller keeps its place without asking again.</summary>
    [Id(4)] public TimeSpan QueueTimeout { get; init; }
}
