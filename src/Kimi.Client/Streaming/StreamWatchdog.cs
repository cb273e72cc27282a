namespace Kimi.Client.Streaming;

/// <summary>
/// A stream's silence clock: its token is cancelled when the stream has been running, not paused, for the current limit
/// since the clock last restarted. Restarting (every read and every event) and pausing (while the caller holds an update)
/// only write a timestamp and a flag; the timer fires at the earliest possible deadline and, when the stream was active
/// since, arms itself again for the time left. (Moving a timer on every event took about a quarter of a streamed call's
/// own time.) Only a change of limit moves the timer at once.
/// </summary>
internal sealed class StreamWatchdog : CancellationTokenSource
{
    private readonly TimeProvider _time;
    private readonly bool _systemClock;
    private readonly ITimer _timer;
    private long _since;
    private long _limitTicks;
    private volatile bool _paused;
    private volatile bool _disposed;

    public StreamWatchdog(TimeSpan limit, TimeProvider time)
    {
        _time = time;
        _systemClock = time == TimeProvider.System;
        _limitTicks = limit.Ticks;
        _since = Now();
        _timer = time.CreateTimer(static state => ((StreamWatchdog)state!).OnTick(), this, limit, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Starts the clock again from now with <paramref name="limit"/> (and ends a pause).</summary>
    public void Restart(TimeSpan limit)
    {
        Touch();
        if (limit.Ticks != Volatile.Read(ref _limitTicks))
        {
            // A new limit (the first event's limit gives way to the silence limit): the armed deadline may be later than the new one.
            Volatile.Write(ref _limitTicks, limit.Ticks);
            _timer.Change(limit, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Starts the clock again from now with the limit it has (and ends a pause): bytes arrived.</summary>
    public void Touch()
    {
        Volatile.Write(ref _since, Now());
        _paused = false;
    }

    /// <summary>Stops the clock until the next <see cref="Restart"/>: the caller's time is not the server's silence.</summary>
    public void Pause() => _paused = true;

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
        var left = _paused ? limit : limit - Elapsed(Volatile.Read(ref _since));
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
