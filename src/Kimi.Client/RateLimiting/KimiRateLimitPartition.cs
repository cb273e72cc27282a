namespace Kimi.Client;

/// <summary>
/// What one set of client-side rate limits applies to — one host, base URL and API key — and the limits configured for it,
/// as a <see cref="KimiRateLimiter"/> receives them.
/// </summary>
/// <remarks>
/// The API key is never part of it: <see cref="ApiKeyHash"/> is a truncated SHA-256 of the key, enough to tell keys apart
/// and safe to log or use as a grain or cache key.
/// </remarks>
public sealed class KimiRateLimitPartition
{
    /// <summary>Describes a partition.</summary>
    /// <param name="provider">The host's name (<see cref="KimiProvider.Name"/>).</param>
    /// <param name="endpoint">The base URL, with any credential written into it removed.</param>
    /// <param name="apiKeyHash">A hash of the API key (never the key), or <c>-</c> when the host takes no key.</param>
    /// <param name="requestsPerMinute">Requests per minute, if limited.</param>
    /// <param name="tokensPerMinute">Tokens (prompt plus output) per minute, if limited.</param>
    /// <param name="maxConcurrentRequests">Requests in flight at once, if limited.</param>
    /// <exception cref="ArgumentException">A name is empty, or a limit is less than 1.</exception>
    public KimiRateLimitPartition(string provider, string endpoint, string apiKeyHash, int? requestsPerMinute, int? tokensPerMinute, int? maxConcurrentRequests)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKeyHash);
        ThrowIfBelowOne(requestsPerMinute, nameof(requestsPerMinute));
        ThrowIfBelowOne(tokensPerMinute, nameof(tokensPerMinute));
        ThrowIfBelowOne(maxConcurrentRequests, nameof(maxConcurrentRequests));
        Provider = provider;
        Endpoint = endpoint;
        ApiKeyHash = apiKeyHash;
        RequestsPerMinute = requestsPerMinute;
        TokensPerMinute = tokensPerMinute;
        MaxConcurrentRequests = maxConcurrentRequests;
        Key = $"{provider}|{endpoint}|{apiKeyHash}";
    }

    /// <summary>The host's name (<see cref="KimiProvider.Name"/>).</summary>
    public string Provider { get; }

    /// <summary>The base URL, with any credential written into it removed.</summary>
    public string Endpoint { get; }

    /// <summary>A hash of the API key (never the key), or <c>-</c> when the host takes no key.</summary>
    public string ApiKeyHash { get; }

    /// <summary>
    /// The partition's identity, <c>{Provider}|{Endpoint}|{ApiKeyHash}</c>: calls with the same key share one set of limits.
    /// </summary>
    public string Key { get; }

    /// <summary>Requests per minute, if limited.</summary>
    public int? RequestsPerMinute { get; }

    /// <summary>Tokens (prompt plus output) per minute, if limited; reserved as an estimate and settled with the real usage.</summary>
    public int? TokensPerMinute { get; }

    /// <summary>Requests in flight at once, if limited; a stream holds its slot until its enumerator is disposed.</summary>
    public int? MaxConcurrentRequests { get; }

    /// <summary>The key and the limits, for logs (no secret is part of it).</summary>
    /// <returns>A description.</returns>
    public override string ToString() =>
        $"{Key} (requests/min {RequestsPerMinute?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, " +
        $"tokens/min {TokensPerMinute?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, " +
        $"concurrent {MaxConcurrentRequests?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"})";

    private static void ThrowIfBelowOne(int? value, string name)
    {
        if (value is < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1 when set.");
        }
    }
}
