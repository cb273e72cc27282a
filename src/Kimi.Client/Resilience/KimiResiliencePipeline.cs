using System.Globalization;
using System.Net;
using Kimi.Client.Errors;
using Kimi.Client.Http;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Kimi.Client.Resilience;

/// <summary>
/// The handler pipeline (Polly v8 through Microsoft.Extensions.Http.Resilience): retry on 408, 429, 5xx and connection
/// failures with exponential backoff and jitter, <c>Retry-After</c> honoured up to a cap, and a bound on the wait for
/// response headers. It only sees requests up to their headers, so a stream the caller started reading is never replayed.
/// Context-length errors (even DeepInfra's 500), auth and bad requests are never retried.
/// </summary>
internal static class KimiResiliencePipeline
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private static readonly ResiliencePropertyKey<TimeSpan?> RetryAfterKey = new("Kimi.RetryAfter");

    public static ResilienceHandler CreateHandler(KimiResilienceOptions defaults, TimeProvider timeProvider) =>
        new(Create(defaults, timeProvider));

    public static ResiliencePipeline<HttpResponseMessage> Create(KimiResilienceOptions defaults, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        Configure(builder, defaults);
        return builder.Build();
    }

    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, KimiResilienceOptions defaults)
    {
        var time = builder.TimeProvider ?? TimeProvider.System; // Retry-After dates are read against the same clock as the waits
        builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            Name = "kimi-retry",
            MaxRetryAttempts = 100, // the AttemptBudget decides; this is only a backstop
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = defaults.BaseDelay <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : defaults.BaseDelay,
            MaxDelay = defaults.MaxRetryAfter > TimeSpan.Zero ? defaults.MaxRetryAfter : TimeSpan.FromSeconds(60),
            ShouldHandle = args => ShouldRetryAsync(args.Context, args.Outcome, args.AttemptNumber, defaults, time),
            DelayGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(RetryAfterKey, null)),
            OnRetry = args =>
            {
                var budget = Budget(args.Context);
                budget?.BeginAttempt(args.RetryDelay);
                return default;
            },
        });

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Name = "kimi-response-timeout",
            TimeoutGenerator = args =>
            {
                var budget = Budget(args.Context);
                var options = budget?.Options ?? defaults;
                return ValueTask.FromResult(budget?.Streaming == true ? options.StreamingResponseTimeout : options.ResponseTimeout);
            },
        });
    }

    private static AttemptBudget? Budget(ResilienceContext context) =>
        context.GetRequestMessage() is { } request && request.Options.TryGetValue(AttemptBudget.Key, out var budget) ? budget : null;

    private static async ValueTask<bool> ShouldRetryAsync(ResilienceContext context, Outcome<HttpResponseMessage> outcome, int attemptNumber, KimiResilienceOptions defaults, TimeProvider time)
    {
        var budget = Budget(context);
        var options = budget?.Options ?? defaults;
        context.Properties.Set(RetryAfterKey, null);

        if (outcome.Exception is { } exception)
        {
            var retryable = exception is HttpRequestException or TimeoutRejectedException or IOException;
            if (!retryable || exception is OperationCanceledException && exception is not TimeoutRejectedException)
            {
                return false; // the caller cancelled, or not a transport fault
            }

            var outcomeText = exception is TimeoutRejectedException ? "no response in time" : "connection failed";
            return Decide(budget, options, attemptNumber, null, null, outcomeText);
        }

        var response = outcome.Result!;
        var status = (int)response.StatusCode;
        if (status is not (408 or 429) && status < 500)
        {
            return false;
        }

        var profile = budget?.Profile;
        var error = await ReadErrorAsync(response, options.IdleTimeout, time, context.CancellationToken).ConfigureAwait(false);
        if (profile is not null && KimiErrorFactory.IsContextLength(profile, error))
        {
            return false; // DeepInfra reports context overflow as 500: retrying cannot help
        }

        if (profile is not null && KimiErrorFactory.IsNeverRetried(profile, status, error))
        {
            return false; // the host's rule says waiting will not help (a used-up quota: Ollama's usage limit, Cloudflare 3036)
        }

        TimeSpan? retryAfter = RetryAfter.FromHeaders(response.Headers, time.GetUtcNow());
        if (retryAfter is null && status == 429 && profile is not null && error.Message is { } message)
        {
            retryAfter = profile.ReadRetryHint(message);
        }

        if (retryAfter is { } wait && wait > options.MaxRetryAfter)
        {
            return false; // beyond the cap: fail at once (the exception carries RetryAfter) or fail over
        }

        context.Properties.Set(RetryAfterKey, retryAfter);
        return Decide(budget, options, attemptNumber, response.StatusCode, retryAfter, $"HTTP {status}");
    }

    private static bool Decide(AttemptBudget? budget, KimiResilienceOptions options, int attemptNumber, HttpStatusCode? status, TimeSpan? retryAfter, string what)
    {
        var delay = retryAfter ?? Backoff(options, attemptNumber);
        if (budget is null)
        {
            return attemptNumber + 1 < options.MaxAttempts;
        }

        // The record counts this attempt; the budget then says whether one more fits in tries and time.
        if (budget.Used + 1 + budget.ReservedForFailover < options.MaxAttempts && budget.Elapsed + delay < options.TotalTimeout)
        {
            budget.Record(status, $"{what}; retrying{(retryAfter is { } r ? $" after {Seconds(r)} s (Retry-After)" : string.Empty)}");
            return true;
        }

        return false; // the caller records the final outcome (and may fail over)
    }

    private static TimeSpan Backoff(KimiResilienceOptions options, int attemptNumber) =>
        TimeSpan.FromTicks(Math.Min(options.BaseDelay.Ticks * (1L << Math.Min(attemptNumber, 16)), options.MaxRetryAfter.Ticks));

    internal static async ValueTask<KimiProviderError> ReadErrorAsync(HttpResponseMessage response, TimeSpan stallLimit, TimeProvider time, CancellationToken cancellationToken)
    {
        // Buffer the (small) error body so the caller can still read it after this predicate; a body that stalls is
        // given up after IdleTimeout (the status decides the retry) instead of holding the call for its whole budget.
        try
        {
#if NET9_0_OR_GREATER
            await response.Content.LoadIntoBufferAsync(MaxErrorBodyBytes, cancellationToken).WaitAsync(stallLimit, time, cancellationToken).ConfigureAwait(false);
#else
            await response.Content.LoadIntoBufferAsync(MaxErrorBodyBytes).WaitAsync(stallLimit, time, cancellationToken).ConfigureAwait(false);
#endif
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return ProviderErrorParser.Parse(bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or IOException)
        {
            return new KimiProviderError(null); // too large, stalled, or the connection failed while reading it
        }
    }

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
