using System.Net;
using Kimi.Client.Errors;

namespace Kimi.Client.Http;

/// <summary>
/// The one place that decides what a provider's error answer means for the call: retry it (and after how long), fail
/// over, or give up. The retry policy, the failover loop and the exception factory all read its verdict.
/// </summary>
internal static class ResponseClassifier
{
    public static (ErrorVerdict Verdict, TimeSpan? RetryAfter) Classify(
        KimiProvider profile, HttpStatusCode status, KimiProviderError error, TimeSpan? retryAfterHeader, KimiResilienceOptions options)
    {
        var code = (int)status;

        // How long to wait: the header, else the body's hint (OpenRouter's availability.retry_after, then metadata.retry_after_seconds),
        // else a hint in a rate-limit message (Moonshot's "try again after N seconds").
        var retryAfter = retryAfterHeader ?? error.RetryAfter ?? (code == 429 && error.Message is { } message ? profile.ReadRetryHint(message) : null);
        if (error.IsRetryable is { } retryable)
        {
            // The host says whether waiting helps (OpenRouter's availability.retryable): that wins over the status, both ways.
            if (!retryable)
            {
                return (ErrorVerdict.Final, retryAfter);
            }
        }
        else if (code is not (408 or 429) && code < 500)
        {
            return (ErrorVerdict.Final, retryAfter); // 400, 401, 402, 403, 404 …: the request or the account must change
        }

        if (KimiErrorFactory.IsContextLength(profile, error))
        {
            return (ErrorVerdict.Final, retryAfter); // DeepInfra reports context overflow as 500: retrying cannot help
        }

        if (KimiErrorFactory.IsNeverRetried(profile, code, error))
        {
            return (ErrorVerdict.Final, retryAfter); // the host's rule says waiting will not help (a used-up quota: Ollama's usage limit, Cloudflare 3036)
        }

        if (retryAfter is { } wait && wait > options.MaxRetryAfter)
        {
            return profile.WaitsUpToMaxRetryAfter
                ? (ErrorVerdict.Retryable, options.MaxRetryAfter) // OpenRouter: wait the cap and try again (another upstream may be free)
                : (ErrorVerdict.WaitTooLong, retryAfter);        // beyond the cap: fail at once (the exception carries RetryAfter) or fail over
        }

        return (ErrorVerdict.Retryable, retryAfter);
    }
}
