using System.Net;
using Kimi.Client.Errors;
using Kimi.Client.Resilience;

namespace Kimi.Client.Http;

/// <summary>An error status's answer, read once by the try that got it: the body (bounded), parsed, scrubbed and classified.</summary>
internal static class ErrorAnswer
{
    /// <summary>The most of an error body that is read: enough for any host's error object, never a hostile server's gigabytes.</summary>
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Reads the error <paramref name="response"/> carries into an <see cref="AttemptResult"/> with its retry verdict; the
    /// response is disposed if that fails.
    /// </summary>
    public static async ValueTask<AttemptResult> ReadAsync(
        ClientSettings settings, HttpResponseMessage response, KimiResponseInfo info, AttemptBudget budget, CancellationToken cancellationToken)
    {
        try
        {
            var body = await BodyReader.ReadPrefixAsync(response.Content, MaxBodyBytes, settings.Options.Resilience.IdleTimeout, settings.Time, cancellationToken).ConfigureAwait(false);
            return Classified(settings, response, info, budget, ProviderErrorParser.Parse(body).Scrubbed(settings.Scrubber), bodyStatus: null);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The provider's <paramref name="error"/> (already scrubbed) with its retry verdict: for an error status, or for an error in a 2xx
    /// body (<paramref name="bodyStatus"/>: the status it stands for, classified like that status).
    /// </summary>
    public static AttemptResult Classified(
        ClientSettings settings, HttpResponseMessage response, KimiResponseInfo info, AttemptBudget budget, KimiProviderError error, HttpStatusCode? bodyStatus)
    {
        var (verdict, retryAfter) = ResponseClassifier.Classify(
            settings.Profile, bodyStatus ?? response.StatusCode, error, RetryAfter.FromHeaders(response.Headers, settings.Time.GetUtcNow()), budget.Options);
        return new AttemptResult(response, info, budget) { Error = error, ErrorStatus = bodyStatus, RetryAfter = retryAfter, Verdict = verdict };
    }
}
