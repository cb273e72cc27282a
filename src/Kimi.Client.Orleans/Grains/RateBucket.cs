namespace Kimi.Client.Orleans;

/// <summary>
/// A per-minute token bucket inside the rate-limit grain (single-threaded there, so no lock): permits are reserved ahead — the
/// bucket may go into debt, which orders callers without a queue — and given back when the real cost turns out lower. The
/// same arithmetic as the client's in-process limiter.
/// </summary>
internal sealed class RateBucket
{
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private double _available;
    private long _refilledAt;

    public RateBucket(int perMinute, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perMinute, 1);
        Capacity = perMinute;
        _perSecond = perMinute / 60.0;
        _time = time;
        _available = perMinute;
        _refilledAt = time.GetTimestamp();
    }

    public int Capacity { get; }

    public double Available
    {
        get
        {
            Refill();
            return _available;
        }
    }

    /// <summary>Takes <paramref name="permits"/> (clamped to the capacity) if the wait for them is at most <paramref name="maxWait"/>.</summary>
    public bool TryReserve(int permits, TimeSpan maxWait, out TimeSpan wait)
    {
        permits = Math.Clamp(permits, 0, Capacity);
        Refill();
        var deficit = permits - _available;
        wait = deficit <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(deficit / _perSecond);
        if (wait > maxWait)
        {
            return false;
        }

        _available -= permits;
        return true;
    }

    /// <summary>Gives back permits that were reserved but not used (negative: takes more).</summary>
    public void Refund(double permits)
    {
        Refill();
        _available = Math.Min(Capacity, _available + permits);
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
    }
}
