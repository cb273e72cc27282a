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
        var retryAfter = retryAfterHeader ?? (code == 429 && error.Message is { } message ? profile.ReadRetryHint(message) : null);
        if (code is not (408 or 429) && code < 500)
        {
            return (ErrorVerdict.Final, retryAfter);
        }

        if (KimiErrorFactory.IsContextLength(profile, error))
        {
            return (ErrorVerdict.Final, retryAfter); // DeepInfra reports context overflow as 500: retrying cannot help
        }

        if (KimiErrorFactory.IsNeverRetried(profile, code, error))
        {
            return (ErrorVerdict.Final, retryAfter); // the host's rule says waiting will not help (a used-up quota: Ollama's usage limit, Cloudflare 3036)
        }

        return retryAfter is { } wait && wait > options.MaxRetryAfter
            ? (ErrorVerdict.WaitTooLong, retryAfter) // beyond the cap: fail at once (the exception carries RetryAfter) or fail over
            : (ErrorVerdict.Retryable, retryAfter);
    }
}
