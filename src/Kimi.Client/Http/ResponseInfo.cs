namespace Kimi.Client.Http;

/// <summary>Reads a response's <see cref="KimiResponseInfo"/>: the request id from the host's headers, scrubbed (a server may echo the key in it).</summary>
internal static class ResponseInfo
{
    public static KimiResponseInfo Read(ClientSettings target, HttpResponseMessage response) =>
        new(response.StatusCode, response.Headers, target.Scrubber.Scrub(ReadRequestId(target.Profile, response)))
        {
            CompletionId = target.Profile.CompletionIdHeaders is { Count: > 0 } ids ? target.Scrubber.Scrub(First(ids, response)) : null,
        };

    /// <summary>The request id from the first of the host's request-id headers that has a value.</summary>
    public static string? ReadRequestId(KimiProvider profile, HttpResponseMessage response) => First(profile.RequestIdHeaders, response);

    // The raw values as received (no parsing into a string[] and no boxed enumerator): these headers have no parser, so the
    // validated view would yield the same strings.
    private static string? First(IReadOnlyList<string> headers, HttpResponseMessage response)
    {
        var received = response.Headers.NonValidated;
        for (var i = 0; i < headers.Count; i++)
        {
            if (received.TryGetValues(headers[i], out var values))
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
