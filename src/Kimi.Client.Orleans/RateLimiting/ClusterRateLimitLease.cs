namespace Kimi.Client.Orleans;

/// <summary>A lease granted by a partition's rate-limit grain: the call's operation id, renewed by its limiter until the call ends.</summary>
internal sealed class ClusterRateLimitLease(KimiClusterRateLimiter owner, IKimiRateLimitGrain grain, string key, Guid operation, RateLimitsData limits) : KimiRateLimitLease
{
    private const int Unknown = -1;
    private int _actualTokens = Unknown;
    private bool _unsent;

    public IKimiRateLimitGrain Grain { get; } = grain;

    public string Key { get; } = key;

    public Guid Operation { get; } = operation;

    public RateLimitsData Limits { get; } = limits;

    public override bool IsAcquired => true;

    /// <summary>The call will not be sent after all (cancelled while waiting): the request and the tokens go back.</summary>
    public void Unsend()
    {
        _unsent = true;
        Settle(0);
        Dispose();
    }

    // Kept for the release, which tells the grain once: the slot, the tokens and (if unsent) the request in one call.
    protected override void SettleCore(int actualTokens) => Volatile.Write(ref _actualTokens, actualTokens);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            var actual = Volatile.Read(ref _actualTokens);
            owner.Release(this, actual == Unknown ? null : actual, _unsent);
        }

        base.Dispose(disposing);
    }
}
