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
                TimeoutGenerator = args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(BudgetKey, null!) is { Streaming: true } ? options.StreamingResponseTimeout : options.ResponseTimeout),
            })
            .Build();
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
            if (result.IsSuccess || result.Verdict != ErrorVerdict.Retryable)
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
