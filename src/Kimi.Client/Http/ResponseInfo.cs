using System.Net.Http.Headers;

namespace Kimi.Client.Http;

/// <summary>
/// Reads a response's <see cref="KimiResponseInfo"/>: the request id (and a completion id) from the host's headers, scrubbed
/// (a server may echo the key in them), when first asked for.
/// </summary>
internal static class ResponseInfo
{
    public static KimiResponseInfo Read(ClientSettings target, HttpResponseMessage response) =>
        new(response.StatusCode, response.Headers, target.ResponseIdReader);

    /// <summary>The ids a response's headers carry for <paramref name="target"/>'s host: its request id and, where the host sends one, the completion id.</summary>
    public static (string? RequestId, string? CompletionId) ReadIds(ClientSettings target, HttpResponseHeaders headers) => (
        target.Scrubber.Scrub(First(target.Profile.RequestIdHeaders, headers)),
        target.Profile.CompletionIdHeaders is { Count: > 0 } ids ? target.Scrubber.Scrub(First(ids, headers)) : null);

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
