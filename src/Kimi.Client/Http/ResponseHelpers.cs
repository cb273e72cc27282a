
namespace Kimi.Client.Http;

/// <summary>Small reads every endpoint shares: the provider's request id, and a size-bounded body.</summary>
internal static class ResponseHelpers
{
    /// <summary>The request id from the first of the profile's request-id headers that has a value.</summary>
    public static string? ReadRequestId(KimiProvider profile, HttpResponseMessage response)
    {
        foreach (var header in profile.RequestIdHeaders)
        {
            if (response.Headers.TryGetValues(header, out var values))
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

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> of an error body; if it stalls for <paramref name="stallLimit"/>, returns
    /// what arrived (the status already says what matters) instead of waiting out the caller's whole budget.
    /// </summary>
    public static async Task<byte[]> ReadErrorBodyAsync(HttpContent content, int maxBytes, TimeSpan stallLimit, TimeProvider time, CancellationToken cancellationToken)
    {
        using var stall = new CancellationTokenSource(stallLimit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        var received = new List<byte>();
        try
        {
            return await ReadBoundedAsync(content, maxBytes, received, linked.Token).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return [.. received]; // stalled, cut, or already half-read by the retry predicate: keep what arrived
        }
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of a body (error bodies and small JSON answers; never a stream).</summary>
    public static Task<byte[]> ReadBoundedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken) =>
        ReadBoundedAsync(content, maxBytes, null, cancellationToken);

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, int maxBytes, List<byte>? received, CancellationToken cancellationToken)
    {
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[Math.Min(maxBytes, 16 * 1024)];
        var total = 0;
        int read;
        while (total < maxBytes && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            received?.AddRange(buffer.AsSpan(total, read));
            total += read;
            if (total == buffer.Length && total < maxBytes)
            {
                Array.Resize(ref buffer, Math.Min(maxBytes, buffer.Length * 2));
            }
        }

        return buffer.AsSpan(0, total).ToArray();
    }
}
