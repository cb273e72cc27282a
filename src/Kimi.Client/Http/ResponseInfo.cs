using System.Net.Http.Headers;
using Kimi.Client.Errors;

namespace Kimi.Client.Http;

/// <summary>
/// Reads a response's <see cref="KimiResponseInfo"/>: the request id (and a completion id) from the host's headers, scrubbed
/// (a server may echo the key in them), when first asked for.
/// </summary>
internal static class ResponseInfo
{
    public static KimiResponseInfo Read(ClientSettings target, HttpResponseMessage response) =>
        new(response.StatusCode, response.Headers, target.ResponseIds);
}

/// <summary>
/// How one host's responses name their request and completion ids: the header names to look in, and the scrubber the values
/// pass through. Made once per settings and held by every <see cref="KimiResponseInfo"/> of that host, so the ids are read
/// only when asked for; it holds nothing else of the settings.
/// </summary>
internal sealed class ResponseIdReader(IReadOnlyList<string> requestIdHeaders, IReadOnlyList<string>? completionIdHeaders, SecretScrubber scrubber)
{
    /// <summary>The ids <paramref name="headers"/> carry: the request id and, where the host sends one, the completion id.</summary>
    public (string? RequestId, string? CompletionId) Read(HttpResponseHeaders headers) => (
        scrubber.Scrub(First(requestIdHeaders, headers)),
        completionIdHeaders is { Count: > 0 } ids ? scrubber.Scrub(First(ids, headers)) : null);

    // The raw values as received (no parsing into a string[] and no boxed enumerator): these headers have no parser, so the
    // validated view would yield the same strings.
    private static string? First(IReadOnlyList<string> names, HttpResponseHeaders headers)
    {
        var received = headers.NonValidated;
        for (var i = 0; i < names.Count; i++)
        {
            if (received.TryGetValues(names[i], out var values))
            {
                foreach (var value in values)
                {
                    if (!string.IsNullOrWhiteSpace(value))
                    {
                        return value;
                    }
                }
            }
        }

        return null;
    }
}
