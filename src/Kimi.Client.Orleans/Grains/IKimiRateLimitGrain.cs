namespace Kimi.Client.Orleans;

/// <summary>
/// The client-side rate limits of one partition (keyed by <see cref="KimiRateLimitPartition.Key"/>: host, base URL and key hash),
/// shared by every silo: the per-minute budgets and the concurrency slots. Every call is short — a caller that must wait for a
/// slot asks again — and carries the call's operation id, so a call retried after a lost answer is applied once.
/// </summary>
internal interface IKimiRateLimitGrain : IGrainWithStringKey
{
    /// <summary>Grants a lease for the operation, queues it for a slot, or refuses it; asked again with the same id, answers for the same lease.</summary>
    Task<RateLimitAnswer> AcquireAsync(Guid operation, RateLimitRequest request);

    /// <summary>Keeps the operations' slots held for another lease duration; a lease this activation does not know (it lost its silo) is taken back in.</summary>
    Task RenewAsync(Guid[] operations, RateLimitsData limits, TimeSpan leaseDuration);

    /// <summary>Ends the operation's lease: frees its slot and settles its tokens (when known); <paramref name="unsent"/> gives the request back too.</summary>
    Task ReleaseAsync(Guid operation, int? actualTokens, bool unsent);

    /// <summary>Gives up the operation's place in the queue, or its lease if it was granted meanwhile (a caller that stopped waiting).</summary>
    Task AbandonAsync(Guid operation);

    Task<RateLimitStatusData> GetStatusAsync();
}
