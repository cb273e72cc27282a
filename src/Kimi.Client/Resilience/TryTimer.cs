using Kimi.Client.Http;
using Polly.Timeout;

namespace Kimi.Client.Resilience;

/// <summary>
/// One HTTP try's time limit, held by the try itself: its response limit (<see cref="KimiResilienceOptions.ResponseTimeout"/>,
/// or <see cref="KimiResilienceOptions.StreamingResponseTimeout"/> for a stream), or what is left of the call's total limit
/// when that ends first — then a call its first try answers needs no total-limit timer at all (see
/// <see cref="AttemptBudget.CallToken"/>). No limit when the retry policy is switched off (the caller's own handler times
/// its tries). On the system clock the timer is a per-thread spare (<see cref="SpareCancellationSources"/>), cancelled by
/// the caller's token through a registration, so the usual try makes no timer object. Like the body's pause limit and the
/// stream's watchdog, it times waits: it is armed (<see cref="Timed{T}(Task{T})"/>) when something under the try first has to wait, so
/// an answer that is already there (an in-process handler, a cached response) never touches the timer queue. When what is left
/// of the call's total limit ends first, it is armed at once: the total limit is a deadline.
/// </summary>
/// <remarks>A mutable struct: hold it in a local (not <see langword="using"/>, which would arm a copy) and dispose it in a <see langword="finally"/>.</remarks>
internal struct TryTimer : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly CancellationToken _caller;
    private readonly TimeProvider? _time;
    private readonly TimeSpan _limit;
    private readonly bool _totalEndsFirst;
    private bool _armed;

    private TryTimer(CancellationTokenSource? timer, TimeProvider? time, TimeSpan limit, bool totalEndsFirst, CancellationToken caller)
    {
        _timer = timer;
        _caller = caller;
        _time = time;
        _limit = limit;
        _totalEndsFirst = totalEndsFirst;
        _callerRegistration = timer is null ? default : caller.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timer);
    }

    /// <summary>The token the try runs under: the caller's, and this limit's.</summary>
    public readonly CancellationToken Token => _timer?.Token ?? _caller;

    /// <summary>Starts the limit of a try of <paramref name="settings"/>' host, under <paramref name="caller"/>.</summary>
    public static TryTimer Start(ClientSettings settings, AttemptBudget budget, CancellationToken caller)
    {
        var options = settings.Options.Resilience;
        if (!options.Enabled)
        {
            return new TryTimer(null, null, default, totalEndsFirst: false, caller);
        }

        var response = budget.Streaming ? options.StreamingResponseTimeout : options.ResponseTimeout;
        var remaining = budget.RemainingAtAttemptStart;
        var totalEndsFirst = remaining < response;
        var limit = totalEndsFirst ? (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) : response;
        var timer = settings.Time == TimeProvider.System
            ? SpareCancellationSources.Rent()
            : new CancellationTokenSource(System.Threading.Timeout.InfiniteTimeSpan, settings.Time); // another clock (tests): a source of its own, on that clock
        var started = new TryTimer(timer, settings.Time, limit, totalEndsFirst, caller);
        if (totalEndsFirst)
        {
            // What is left of the call's total limit runs from the try's start, whatever the try does first (nothing left: the
            // try ends before it is sent). The response limit alone waits for the first wait.
            started.ArmUnless(completed: false);
        }

        return started;
    }

    /// <summary><paramref name="operation"/>, the limit's clock started if it has to wait for the server (<see cref="ArmUnless"/>).</summary>
    public Task<T> Timed<T>(Task<T> operation)
    {
        ArmUnless(operation.IsCompleted);
        return operation;
    }

    /// <inheritdoc cref="Timed{T}(Task{T})"/>
    public ValueTask<T> Timed<T>(ValueTask<T> operation)
    {
        ArmUnless(operation.IsCompleted);
        return operation;
    }

    /// <summary>
    /// Starts the limit's clock unless <paramref name="completed"/> (the operation the try just began did not have to wait
    /// for the server) or it already runs. The time before it starts is the try's own synchronous work.
    /// </summary>
    public void ArmUnless(bool completed)
    {
        if (!completed && !_armed && _timer is { } timer)
        {
            _armed = true;
            timer.CancelAfter(_limit);
        }
    }

    /// <summary>
    /// For a try that ended cancelled: whether this limit, not the caller, ended it, and it was the response limit:
    /// the try then ends with <see cref="Timeout"/>, retried like a lost connection. When the call's total limit ended first,
    /// marks the budget spent and returns <see langword="false"/>: the cancellation stands, and is not retried.
    /// </summary>
    public readonly bool ResponseLimitEnded(AttemptBudget budget)
    {
        if (_timer is not { IsCancellationRequested: true } || _caller.IsCancellationRequested)
        {
            return false;
        }

        if (_totalEndsFirst)
        {
            budget.MarkTotalSpent();
            return false;
        }

        return true;
    }

    /// <summary>The exception a try ends with when its response limit ran out (in the form Polly's timeout strategy used: the policy retries it).</summary>
    public readonly TimeoutRejectedException Timeout(OperationCanceledException canceled) =>
        new($"The operation didn't complete within the allowed timeout of '{_limit}'.", _limit, canceled);

    /// <summary>Stops the limit: a spare that did not fire is kept for the next try on this thread.</summary>
    public readonly void Dispose()
    {
        if (_timer is null)
        {
            return;
        }

        _callerRegistration.Dispose(); // before the spare is reset and handed on, so the caller cannot cancel another try
        if (_time == TimeProvider.System)
        {
            SpareCancellationSources.Return(_timer);
        }
        else
        {
            _timer.Dispose();
        }
    }
}
