using System.Net;
using Kimi.Client.Http;
using Kimi.Client.RateLimiting;

namespace Kimi.Client.Resilience;

/// <summary>
/// The one notion of "how many tries, how long in all" for a call, shared by the retry handler and the failover loop.
/// Travels with each try in the retry policy's context, and with the answering try to its reader (<see cref="AttemptResult.Budget"/>:
/// the attempts, the host that answered, its rate-limit lease). Thread-safe, except <see cref="CallToken"/> and <see cref="Dispose"/>,
/// which the call's own sequence uses.
/// </summary>
internal sealed class AttemptBudget : IDisposable
{
    // Copied on write: each array, once published, never changes, so it is handed out as it is (most calls take one try).
    private KimiAttempt[] _attempts = [];
    private readonly TimeProvider _time;
    private readonly long _started;
    private long _attemptStarted;
    private CancellationTokenSource? _total; // the total limit's timer, made only when a call needs more than one try's timer
    private CancellationTokenSource? _linkedToCaller;
    private volatile bool _totalSpent;

    public AttemptBudget(KimiResilienceOptions options, TimeProvider time, bool streaming)
    {
        Options = options;
        _time = time;
        Streaming = streaming;
        _started = _attemptStarted = time.GetTimestamp();
    }

    public KimiResilienceOptions Options { get; }

    public bool Streaming { get; }

    /// <summary>The host of the try in flight (failover changes it); once the call has its answer, the host that gave it.</summary>
    public ClientSettings? Target { get; set; }

    /// <summary>The client-side rate-limit lease of the host that answered, held until the body is read or the stream's enumerator is disposed.</summary>
    public KimiRateLimitLease? Lease { get; set; }

    /// <summary>Tries kept back for failover targets still to come, so retries on one provider cannot spend them all.</summary>
    public int ReservedForFailover { get; set; }

    public int Used => Volatile.Read(ref _attempts).Length;

    public TimeSpan Elapsed => _time.GetElapsedTime(_started);

    public TimeSpan Remaining => Options.TotalTimeout - Elapsed;

    /// <summary>
    /// What was left of the total limit when the try in flight began (<see cref="BeginAttempt"/>, or the budget's start
    /// for a first try), read without the clock: a try's timer is set from it just after the try begins.
    /// </summary>
    public TimeSpan RemainingAtAttemptStart => Options.TotalTimeout - _time.GetElapsedTime(_started, Interlocked.Read(ref _attemptStarted));

    public IReadOnlyList<KimiAttempt> Attempts => Volatile.Read(ref _attempts);

    /// <summary>
    /// Whether the call's total limit (<see cref="KimiResilienceOptions.TotalTimeout"/>) ran out: its timer fired, or a try
    /// whose timer was set to what was left of it (<see cref="MarkTotalSpent"/>).
    /// </summary>
    public bool TotalSpent => _totalSpent || _total?.IsCancellationRequested == true;

    /// <summary>
    /// The caller's token bounded by what is left of the total limit, for whatever runs beyond a single try (a rate-limit
    /// wait, a media download, retries and their delays, failover). Made once, when first asked for: a chat call that its
    /// first try answers never asks, as that try's own timer is set to whichever of its limits ends first (platform calls ask
    /// up front: they read the answer after the try).
    /// </summary>
    public CancellationToken CallToken(CancellationToken caller)
    {
        if (_total is null)
        {
            var remaining = Remaining;
            _total = new CancellationTokenSource(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time);
            _linkedToCaller = caller.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(caller, _total.Token) : null;
        }

        return (_linkedToCaller ?? _total).Token;
    }

    /// <summary>Records that a try ran out of the total limit under its own timer (set to what was left of it).</summary>
    public void MarkTotalSpent() => _totalSpent = true;

    /// <summary>Releases the total limit's timer, if one was made; the attempts stay readable.</summary>
    public void Dispose()
    {
        _linkedToCaller?.Dispose();
        _total?.Dispose();
    }

    /// <summary>Whether one more try fits, after waiting <paramref name="delay"/>.</summary>
    public bool CanTryAgain(TimeSpan delay) => Used < Options.MaxAttempts && Elapsed + delay < Options.TotalTimeout;

    public void BeginAttempt(TimeSpan delay = default) => Interlocked.Exchange(ref _attemptStarted, _time.GetTimestamp() + (long)(delay.TotalSeconds * _time.TimestampFrequency));

    public void Record(HttpStatusCode? status, KimiAttemptOutcome outcome, string detail)
    {
        var duration = _time.GetElapsedTime(Interlocked.Read(ref _attemptStarted));
        var target = Target!;
        var attempt = new KimiAttempt(target.Profile, target.LoggableEndpoint, status, duration < TimeSpan.Zero ? TimeSpan.Zero : duration, outcome, detail);
        KimiAttempt[] current, next;
        do
        {
            current = Volatile.Read(ref _attempts);
            next = new KimiAttempt[current.Length + 1];
            current.CopyTo(next, 0);
            next[^1] = attempt;
        }
        while (Interlocked.CompareExchange(ref _attempts, next, current) != current);
    }
}
