using Kimi.Client.Streaming;
using Microsoft.Extensions.Time.Testing;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// The stream's silence clock restarts by a timestamp, not by moving its timer: the timer fires at the old deadline and arms
/// itself again for the time left. On a fake clock: activity keeps it alive however long the stream runs, a pause (the caller
/// holding an update) stops it, silence for the limit fires it, and a shorter limit takes effect at once.
/// </summary>
public class StreamWatchdogTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public void Activity_within_the_limit_keeps_the_stream_alive_far_past_the_first_deadline()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new StreamWatchdog(Limit, time);

        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromSeconds(20));
            Assert.False(watchdog.IsCancellationRequested, $"fired after {(i + 1) * 20} s with activity every 20 s");
            watchdog.Restart(Limit);
        }

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(watchdog.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(watchdog.IsCancellationRequested);
    }

    [Fact]
    public void A_pause_stops_the_clock_and_a_restart_gives_the_whole_limit_again()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new StreamWatchdog(Limit, time);

        watchdog.Pause();
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(watchdog.IsCancellationRequested);

        watchdog.Restart(Limit);
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(watchdog.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(watchdog.IsCancellationRequested);
    }

    [Fact]
    public void A_shorter_limit_takes_effect_at_once()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new StreamWatchdog(TimeSpan.FromMinutes(5), time); // the first event's limit

        time.Advance(TimeSpan.FromSeconds(10));
        watchdog.Restart(TimeSpan.FromSeconds(2)); // then the silence limit
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(watchdog.IsCancellationRequested);
    }

    [Fact]
    public void Silence_for_the_limit_fires_it_even_after_a_long_active_stretch()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new StreamWatchdog(Limit, time);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            watchdog.Restart(Limit);
        }

        time.Advance(Limit);

        Assert.True(watchdog.IsCancellationRequested);
    }
}
