using System.Globalization;
using Kimi.Client.Http;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Kimi.Client.Resilience;

/// <summary>
/// The retry policy (Polly v8), run by the transport after a first HTTP try that may be retried — whichever
/// <see cref="HttpClient"/> the client was given: retry on 408, 429, 5xx, connection failures and tries that ran out of
/// their response limit (each try times itself, <see cref="TryTimer"/>), with exponential backoff and jitter (each delay at
/// least half its nominal step), <c>Retry-After</c> honoured up to a cap. It only sees tries up to their headers, so a
/// stream the caller started reading is never replayed. What is worth a retry comes from <see cref="ResponseClassifier"/>;
/// how many tries fit comes from the call's <see cref="AttemptBudget"/>.
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
            .Build();
    }

    /// <summary>
    /// Runs the rest of one host's tries after a first try whose outcome may be retried: the caller runs that first
    /// try itself, as most calls succeed at once and building and first running the pipeline (Polly validates its options by
    /// reflection) cost a fresh process about a fifth of its first call. The pipeline is built here (once per settings) and
    /// run with the first outcome replayed as its attempt 0, so retries, delays and the budget go exactly as if it had run
    /// from the start.
    /// </summary>
    /// <param name="settings">The settings that carry the policy (the primary's: failover targets share its resilience options and clock).</param>
    /// <param name="budget">The call's budget: how many tries fit, and how long.</param>
    /// <param name="first">The first try's outcome, replayed as the pipeline's attempt 0.</param>
    /// <param name="attempt">One try (it times itself).</param>
    /// <param name="state">What <paramref name="attempt"/> needs.</param>
    /// <param name="cancellationToken">The call's token bounded by its total limit (<see cref="AttemptBudget.CallToken"/>): retries and their delays run under it.</param>
    public static async ValueTask<AttemptResult> RetryAsync<TState>(
        ClientSettings settings, AttemptBudget budget, Outcome<AttemptResult> first, Func<TState, CancellationToken, ValueTask<AttemptResult>> attempt, TState state,
        CancellationToken cancellationToken)
    {
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

    /// <summary>Whether a try's answer is of a kind the policy retries (before the budget is asked): a retryable error answer.</summary>
    public static bool MayRetry(in AttemptResult result) => result is { IsSuccess: false, Verdict: ErrorVerdict.Retryable };

    private static bool MayRetry(Outcome<AttemptResult> outcome) =>
        outcome.Exception is { } exception ? IsTransportFailure(exception) : MayRetry(outcome.Result);

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
