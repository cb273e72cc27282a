using Kimi.Client.Streaming;
using Microsoft.Extensions.Time.Testing;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// The stream's silence clock times waits for the server, by a timestamp, not by moving its timer: the timer fires at the
/// old deadline and arms itself again for the time left. On a fake clock: short waits keep it alive however long the stream
/// runs, time between waits (the caller holding an update, our own parsing) never counts, one wait as long as the limit
/// fires it, and a shorter limit takes effect at once.
/// </summary>
public class StreamWatchdogTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public void Waits_within_the_limit_keep_the_stream_alive_far_past_the_first_deadline()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new StreamWatchdog(Limit, time);

        for (var i = 0; i < 20; i++)
        {
            time.Advance(TimeSpan.FromSeconds(20));
            Assert.False(watchdog.IsCancellationRequested, $"fired after {(i + 1) * 20} s with bytes every 20 s");
            watchdog.EndWait();
            watchdog.BeginWait();
        }

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(watchdog.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(watchdog.IsCancellationRequested);
    }

    [Fact]
    public void The_watchdog_starts_waiting_so_a_stream_that_never_sends_a_byte_times_out()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new StreamWatchdog(Limit, time);

        Assert.True(watchdog.Waiting);
        time.Advance(Limit);

        Assert.True(watchdog.IsCancellationRequested);
    }

    [Fact]
    public void Time_between_waits_never_counts_and_the_next_wait_gets_the_whole_limit()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new StreamWatchdog(Limit, time);

        time.Advance(TimeSpan.FromSeconds(25));
        watchdog.EndWait(); // bytes: the caller now holds an update for five minutes
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(watchdog.IsCancellationRequested);

        watchdog.BeginWait();
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
        watchdog.EndWait();
        watchdog.SetLimit(TimeSpan.FromSeconds(2)); // then the silence limit
        watchdog.BeginWait();
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.True(watchdog.IsCancellationRequested);
    }

    [Fact]
    public void One_wait_as_long_as_the_limit_fires_it_even_after_a_long_active_stretch()
    {
        var time = new FakeTimeProvider();
        using var watchdog = new StreamWatchdog(Limit, time);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            watchdog.EndWait();
            watchdog.BeginWait();
        }

        time.Advance(Limit);

        Assert.True(watchdog.IsCancellationRequested);
    }
}
