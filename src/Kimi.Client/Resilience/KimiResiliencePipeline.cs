using System.Globalization;
using Kimi.Client.Http;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Kimi.Client.Resilience;

/// <summary>
/// The retry policy (Polly v8), run by the transport around each HTTP try — whichever <see cref="HttpClient"/> the client
/// was given: retry on 408, 429, 5xx and connection failures with exponential backoff and jitter (each delay at least half
/// its nominal step), <c>Retry-After</c> honoured up to a cap, and a bound on the wait for response headers. It only sees
/// tries up to their headers, so a stream the caller started reading is never replayed. What is worth a retry comes from
/// <see cref="ResponseClassifier"/>; how many tries fit comes from the call's <see cref="AttemptBudget"/>.
/// </summary>
internal static class KimiResiliencePipeline
{
    public static readonly ResiliencePropertyKey<AttemptBudget> BudgetKey = new("Kimi.AttemptBudget");

    public static ResiliencePipeline<AttemptResult> Create(KimiResilienceOptions options, TimeProvider timeProvider, Func<double>? random = null)
    {
        random ??= Random.Shared.NextDouble;
        return new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions<AttemptResult>
            {
                Name = "kimi-retry",
                MaxRetryAttempts = 100, // the AttemptBudget decides; this is only a backstop
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context, args.Outcome, args.AttemptNumber, options, random)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(DelayKey, TimeSpan.Zero)),
                OnRetry = args =>
                {
                    args.Context.Properties.GetValue(BudgetKey, null!)?.BeginAttempt(args.RetryDelay);
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                Name = "kimi-response-timeout",
                TimeoutGenerator = args => ValueTask.FromResult(ResponseTimeout(options, args.Context.Properties.GetValue(BudgetKey, null!))),
            })
            .Build();
    }

    /// <summary>
    /// Runs one host's tries. The first runs without the pipeline, under its response timeout: most calls succeed at once, and
    /// building and first running the pipeline (Polly validates its options by reflection) cost a fresh process about a fifth
    /// of its first call. Only when that try's outcome may be retried is the pipeline built (once per settings) and run, with
    /// the first outcome replayed as its attempt 0, so retries, delays and the budget go exactly as if it had run from the start.
    /// </summary>
    public static async ValueTask<AttemptResult> ExecuteAsync<TState>(
        ClientSettings settings, AttemptBudget budget, Func<TState, CancellationToken, ValueTask<AttemptResult>> attempt, TState state, CancellationToken cancellationToken)
    {
        // The first try, under its response timeout as the pipeline's timeout strategy runs it (a timeout is a TimeoutRejectedException),
        // or under what is left of the call's total limit when that ends first: then the call needs no timer of its own (see
        // AttemptBudget.CallToken) unless it goes on to retry.
        var responseTimeout = ResponseTimeout(settings.Options.Resilience, budget);
        var remaining = budget.Remaining;
        var totalEndsFirst = remaining < responseTimeout;
        var timeout = totalEndsFirst ? (remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero) : responseTimeout;
        var timer = RentTimer(timeout, settings.Time);
        Outcome<AttemptResult> first;
        using (cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), timer))
        {
            try
            {
                first = Outcome.FromResult(await attempt(state, timer.Token).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                first = Outcome.FromException<AttemptResult>(ex);
            }
        }

        if (timer.IsCancellationRequested && first.Exception is OperationCanceledException canceled && !cancellationToken.IsCancellationRequested)
        {
            if (totalEndsFirst)
            {
                budget.MarkTotalSpent(); // the call's limit ran out, not the try's: the cancellation stands and is not retried
            }
            else
            {
                first = Outcome.FromException<AttemptResult>(new TimeoutRejectedException($"The operation didn't complete within the allowed timeout of '{timeout}'.", timeout, canceled));
            }
        }

        ReturnTimer(timer, settings.Time);
        if (!MayRetry(first))
        {
            first.ThrowIfException();
            return first.Result!;
        }

        cancellationToken = budget.CallToken(cancellationToken); // retries and their delays run under the call's total limit
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(BudgetKey, budget);
        try
        {
            var outcome = await settings.RetryPipeline.ExecuteOutcomeAsync(
                static async (context, replay) =>
                {
                    if (replay.TakeFirst() is { } first)
                    {
                        return first;
                    }

                    try
                    {
                        return Outcome.FromResult(await replay.Attempt(replay.State, context.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<AttemptResult>(ex);
                    }
                },
                context,
                new Replay<TState>(attempt, state, first)).ConfigureAwait(false);
            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The per-try bound on the wait for response headers.</summary>
    private static TimeSpan ResponseTimeout(KimiResilienceOptions options, AttemptBudget? budget) =>
        budget is { Streaming: true } ? options.StreamingResponseTimeout : options.ResponseTimeout;

    // The first try's timer: a per-thread spare on the system clock (kept for the next call when it did not fire, as the
    // pipeline's timeout strategy pools its own); a source of its own on another clock (tests).
    private static CancellationTokenSource RentTimer(TimeSpan timeout, TimeProvider time)
    {
        if (time != TimeProvider.System)
        {
            return new CancellationTokenSource(timeout, time);
        }

        var timer = SpareCancellationSources.Rent();
        timer.CancelAfter(timeout);
        return timer;
    }

    private static void ReturnTimer(CancellationTokenSource timer, TimeProvider time)
    {
        if (time == TimeProvider.System)
        {
            SpareCancellationSources.Return(timer);
        }
        else
        {
            timer.Dispose();
        }
    }

    /// <summary>Whether an outcome is of a kind the policy retries (before the budget is asked): a retryable error answer or a transport failure.</summary>
    private static bool MayRetry(Outcome<AttemptResult> outcome) =>
        outcome.Exception is { } exception ? IsTransportFailure(exception) : outcome.Result is { IsSuccess: false, Verdict: ErrorVerdict.Retryable };

    /// <summary>The pipeline's callback state: the first outcome, handed back once as attempt 0, then real tries.</summary>
    private sealed class Replay<TState>(Func<TState, CancellationToken, ValueTask<AttemptResult>> attempt, TState state, Outcome<AttemptResult> first)
    {
        private Outcome<AttemptResult>? _first = first;

        public Func<TState, CancellationToken, ValueTask<AttemptResult>> Attempt { get; } = attempt;

        public TState State { get; } = state;

        public Outcome<AttemptResult>? TakeFirst()
        {
            var first = _first;
            _first = null;
            return first;
        }
    }

    /// <summary>The backoff before retry <paramref name="attemptNumber"/> (0-based): exponential, jittered in [half, whole] of the step.</summary>
    internal static TimeSpan Backoff(KimiResilienceOptions options, int attemptNumber, double random)
    {
        var nominal = Math.Min(options.BaseDelay.Ticks * (double)(1L << Math.Min(attemptNumber, 30)), options.MaxRetryAfter.Ticks);
        return TimeSpan.FromTicks((long)(nominal * (0.5 + (0.5 * random))));
    }

    private static readonly ResiliencePropertyKey<TimeSpan> DelayKey = new("Kimi.RetryDelay");

    private static bool ShouldRetry(ResilienceContext context, Outcome<AttemptResult> outcome, int attemptNumber, KimiResilienceOptions options, Func<double> random)
    {
        var budget = context.Properties.GetValue(BudgetKey, null!);
        TimeSpan? retryAfter = null;
        string what;
        System.Net.HttpStatusCode? status = null;
        if (outcome.Exception is { } exception)
        {
            if (!IsTransportFailure(exception))
            {
                return false; // the caller cancelled, a local problem (a media file that cannot be read), or not a transport fault
            }

            what = exception is TimeoutRejectedException ? "no response in time" : "connection failed";
        }
        else
        {
            var result = outcome.Result!;
            if (!MayRetry(outcome))
            {
                return false;
            }

            retryAfter = result.RetryAfter;
            status = result.Status;
            what = $"HTTP {(int)result.Status}";
        }

        var delay = retryAfter ?? Backoff(options, attemptNumber, random());
        context.Properties.Set(DelayKey, delay);

        // The record counts this attempt; the budget then says whether one more fits in tries and time.
        if (budget.Used + 1 + budget.ReservedForFailover < options.MaxAttempts && budget.Elapsed + delay < options.TotalTimeout)
        {
            budget.Record(status, KimiAttemptOutcome.Retried, $"{what}; retrying after {Seconds(delay)} s{(retryAfter is null ? string.Empty : " (Retry-After)")}");
            return true;
        }

        return false; // the transport records the final outcome (and may fail over)
    }

    /// <summary>A failure of the network or the server's connection, worth another try; never a local mistake or a cancellation.</summary>
    internal static bool IsTransportFailure(Exception exception)
    {
        if (exception is TimeoutRejectedException)
        {
            return true;
        }

        if (exception is OperationCanceledException || !(exception is HttpRequestException or IOException))
        {
            return false;
        }

        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is MediaSourceException)
            {
                return false;
            }
        }

        return true;
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
