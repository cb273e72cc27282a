using System.Threading.RateLimiting;

namespace Kimi.Client.RateLimiting;

/// <summary>
/// A per-minute token bucket on a <see cref="TimeProvider"/> that can refund: permits are reserved ahead (the bucket may go
/// into debt, which orders waiters fairly without a queue) and given back when the real cost turns out lower.
/// </summary>
internal sealed class TokenBucketLimiter : RateLimiter
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private double _available;
    private long _refilledAt;
    private long? _idleSince;

    public TokenBucketLimiter(int perMinute, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perMinute, 1);
        Capacity = perMinute;
        _perSecond = perMinute / 60.0;
        _time = time;
        _available = perMinute;
        _refilledAt = time.GetTimestamp();
    }

    public int Capacity { get; }

    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                Refill();
                return _idleSince is { } since ? _time.GetElapsedTime(since) : null;
            }
        }
    }

    /// <summary>Takes <paramref name="permits"/> (clamped to the capacity) if the wait for them is at most <paramref name="maxWait"/>.</summary>
    /// <param name="permits">How many.</param>
    /// <param name="maxWait">The longest acceptable wait.</param>
    /// <param name="wait">How long the caller must wait before using them (or would have had to).</param>
    /// <returns>Whether they were reserved.</returns>
    public bool TryReserve(int permits, TimeSpan maxWait, out TimeSpan wait)
    {
        permits = Math.Clamp(permits, 0, Capacity);
        lock (_gate)
        {
            Refill();
            var deficit = permits - _available;
            wait = deficit <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(deficit / _perSecond);
            if (wait > maxWait)
            {
                return false;
            }

            _available -= permits;
            _idleSince = null;
            return true;
        }
    }

    /// <summary>Gives back permits that were reserved but not used (negative: takes more).</summary>
    /// <param name="permits">How many.</param>
    public void Refund(double permits)
    {
        lock (_gate)
        {
            Refill();
            _available = Math.Min(Capacity, _available + permits);
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            Refill();
            return new RateLimiterStatistics { CurrentAvailablePermits = (long)Math.Floor(_available) };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
        TryReserve(permitCount, TimeSpan.Zero, out var wait) ? Lease.Acquired : new Lease(false, wait);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        TryReserve(permitCount, TimeSpan.MaxValue, out var wait);
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Refund(Math.Clamp(permitCount, 0, Capacity));
                throw;
            }
        }

        return Lease.Acquired;
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var seconds = (now - _refilledAt) / (double)_time.TimestampFrequency;
        _refilledAt = now;
        if (seconds > 0)
        {
            _available = Math.Min(Capacity, _available + (seconds * _perSecond));
        }

        if (_available >= Capacity && _idleSince is null)
        {
            _idleSince = now;
        }
    }

    private sealed class Lease(bool acquired, TimeSpan retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, TimeSpan.Zero);

        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => IsAcquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = !IsAcquired && metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
