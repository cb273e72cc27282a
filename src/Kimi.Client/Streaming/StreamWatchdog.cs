namespace Kimi.Client.Streaming;

/// <summary>
/// A stream's silence clock: its token is cancelled when one wait for the server (from the clock's start to the first read's
/// bytes, then each read that did not complete at once) has lasted the current limit. Only waits count, so the caller's time
/// with an update, and our own parsing, never do; and a read that finds bytes already there costs no clock read at all.
/// Beginning and ending a wait only write a timestamp and a flag; the timer fires at the earliest possible deadline and,
/// when no wait has lasted that long, arms itself again for the time left. (Moving a timer, or reading the clock, on every
/// event took a large share of a streamed call's own time.) Only a change of limit moves the timer at once.
/// </summary>
internal sealed class StreamWatchdog : CancellationTokenSource
{
    private readonly TimeProvider _time;
    private readonly bool _systemClock;
    private readonly ITimer _timer;
    private long _since; // when the current wait began
    private long _limitTicks;
    private volatile bool _waiting;
    private volatile bool _disposed;

    /// <summary>Starts the clock, waiting: until the first read, the stream is waiting for the server.</summary>
    public StreamWatchdog(TimeSpan limit, TimeProvider time)
    {
        _time = time;
        _systemClock = time == TimeProvider.System;
        _limitTicks = limit.Ticks;
        _since = Now();
        _waiting = true;
        _timer = time.CreateTimer(static state => ((StreamWatchdog)state!).OnTick(), this, limit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether a wait is under way (a test's view).</summary>
    internal bool Waiting => _waiting;

    /// <summary>Applies <paramref name="limit"/> to waits from now on (the first event's limit gives way to the silence limit).</summary>
    public void SetLimit(TimeSpan limit)
    {
        if (limit.Ticks != Volatile.Read(ref _limitTicks))
        {
            // The armed deadline may be later than the new limit allows.
            Volatile.Write(ref _limitTicks, limit.Ticks);
            _timer.Change(limit, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A read is waiting for the server: the clock runs from now until <see cref="EndWait"/>.</summary>
    public void BeginWait()
    {
        Volatile.Write(ref _since, Now());
        _waiting = true;
    }

    /// <summary>The wait ended (bytes arrived, or the read failed): the clock stops.</summary>
    public void EndWait() => _waiting = false;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _timer.Dispose();
        }

        base.Dispose(disposing);
    }

    // On the system clock, Environment.TickCount64 (milliseconds, a coarse clock that costs a fraction of a precise timestamp:
    // timeouts are seconds); any other TimeProvider (a test's fake clock) is asked itself.
    private long Now() => _systemClock ? Environment.TickCount64 : _time.GetTimestamp();

    private TimeSpan Elapsed(long since) => _systemClock ? TimeSpan.FromMilliseconds(Environment.TickCount64 - since) : _time.GetElapsedTime(since);

    private void OnTick()
    {
        if (_disposed)
        {
            return;
        }

        var limit = TimeSpan.FromTicks(Volatile.Read(ref _limitTicks));
        var left = _waiting ? limit - Elapsed(Volatile.Read(ref _since)) : limit;
        if (left > TimeSpan.Zero)
        {
            _timer.Change(left, Timeout.InfiniteTimeSpan);
            return;
        }

        try
        {
            Cancel();
        }
        catch (ObjectDisposedException)
        {
            // disposed while the timer fired: the stream is over
        }
    }
}
