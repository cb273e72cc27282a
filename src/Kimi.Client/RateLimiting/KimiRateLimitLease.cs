namespace Kimi.Client;

/// <summary>
/// A <see cref="KimiRateLimiter"/>'s answer for one call: permission to send (<see cref="IsAcquired"/>), which holds a
/// concurrency slot and a token reservation until it is disposed; or a refusal that says how long the call would have had to
/// wait (<see cref="RetryAfter"/>).
/// </summary>
/// <remarks>
/// The client settles the reservation (<see cref="Settle"/>) with the real usage when the answer reports it — with 0 when the
/// call was not sent or failed — and disposes the lease when the response has been read or the stream's enumerator is
/// disposed. Either may happen on any thread. The base class calls <see cref="SettleCore"/> at most once, only for an acquired
/// lease and only before it is disposed, and <see cref="Dispose(bool)"/> at most once.
/// </remarks>
public abstract class KimiRateLimitLease : IDisposable
{
    private int _settled;
    private int _disposed;

    /// <summary>Initializes the lease.</summary>
    protected KimiRateLimitLease()
    {
    }

    /// <summary>Whether the call may be sent; when <see langword="false"/>, nothing is held and <see cref="RetryAfter"/> says why.</summary>
    public abstract bool IsAcquired { get; }

    /// <summary>For a refused lease: how long until the call would fit within the limits. Zero for an acquired one.</summary>
    public virtual TimeSpan RetryAfter => TimeSpan.Zero;

    /// <summary>
    /// Settles the token reservation with what the call really used: the estimate's surplus goes back to the budget (or the
    /// shortfall is taken). Only the first call counts; none counts after the lease is disposed or when it was refused.
    /// </summary>
    /// <param name="actualTokens">The tokens the call used (prompt plus output); 0 when nothing was generated.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="actualTokens"/> is negative.</exception>
    public void Settle(int actualTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actualTokens);
        if (IsAcquired && Volatile.Read(ref _disposed) == 0 && Interlocked.Exchange(ref _settled, 1) == 0)
        {
            SettleCore(actualTokens);
        }
    }

    /// <summary>Frees the concurrency slot; a reservation never settled keeps its estimate.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Dispose(disposing: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A refused lease: nothing held, and the wait the call would have needed.</summary>
    /// <param name="retryAfter">How long until the call would fit.</param>
    /// <returns>The lease.</returns>
    public static KimiRateLimitLease Refused(TimeSpan retryAfter) => new RefusedLease(retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter);

    /// <summary>Settles the reservation with what the call really used; called at most once, before the lease is disposed.</summary>
    /// <param name="actualTokens">The tokens the call used; 0 when nothing was generated.</param>
    protected abstract void SettleCore(int actualTokens);

    /// <summary>Frees what the lease holds (its concurrency slot); called at most once.</summary>
    /// <param name="disposing"><see langword="true"/> from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>Settles with the usage if known (else the estimate stands) and frees the concurrency slot.</summary>
    /// <param name="usage">The call's usage, if it arrived.</param>
    internal void Release(TokenUsage? usage)
    {
        if (usage is not null)
        {
            Settle(usage.TotalTokens);
        }

        Dispose();
    }

    private sealed class RefusedLease(TimeSpan retryAfter) : KimiRateLimitLease
    {
        public override bool IsAcquired => false;

        public override TimeSpan RetryAfter { get; } = retryAfter;

        protected override void SettleCore(int actualTokens)
        {
        }
    }
}
