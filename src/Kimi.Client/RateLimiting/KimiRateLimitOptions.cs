namespace Kimi.Client;

/// <summary>
/// Client-side rate limits, off by default: requests per minute, tokens per minute and concurrent requests, shared by
/// every client in the process that calls the same provider and base URL with the same API key.
/// </summary>
/// <remarks>
/// Tokens are reserved before sending (prompt characters / 4 plus the output cap) and settled with the real usage
/// when the response or stream ends. A call that would wait longer than what is left of
/// <see cref="KimiResilienceOptions.TotalTimeout"/> fails at once with <see cref="KimiClientRateLimitException"/> (or
/// fails over). The first client created for a key fixes that key's limits. The limits are kept in this process unless
/// <see cref="Limiter"/> keeps them elsewhere (for example one limit for a cluster).
/// </remarks>
public sealed class KimiRateLimitOptions
{
    /// <summary>
    /// A preset: the name of one of the host's account tiers (<see cref="KimiProvider.RateTiers"/>, for example <c>Tier0</c> on
    /// Moonshot or <c>Free</c> on NVIDIA); explicit values below override it. Default: none.
    /// </summary>
    public string? Tier { get; set; }

    /// <summary>Requests per minute. Default: none (or the tier's).</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (prompt plus output) per minute. Default: none (or the tier's).</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Requests in flight at once; a stream holds its slot until its enumerator is disposed. Default: none (or the tier's).</summary>
    public int? MaxConcurrentRequests { get; set; }

    /// <summary>
    /// Where the limits are kept. Default (<see langword="null"/>): in this process, shared by every client with the same host,
    /// base URL and key. Set a <see cref="KimiRateLimiter"/> to keep them elsewhere — for example one limit for every silo of
    /// an Orleans cluster (<c>KimiClusterRateLimiter</c> in <c>Kimi.Client.Orleans</c>). It is asked only when a limit (or
    /// <see cref="Tier"/>) is set, and it receives the resolved limits with each call. A failover target whose own rate limits
    /// set no limiter uses this one. Set in code; configuration does not bind it.
    /// </summary>
    public KimiRateLimiter? Limiter { get; set; }

    internal bool IsEnabled => RequestsPerMinute is not null || TokensPerMinute is not null || MaxConcurrentRequests is not null || !string.IsNullOrWhiteSpace(Tier);

    /// <summary>The effective limits: the tier's preset (resolved against the host) with explicit values on top.</summary>
    internal (int? RequestsPerMinute, int? TokensPerMinute, int? Concurrency) Resolve(KimiRateLimitTier? tier) =>
        (RequestsPerMinute ?? tier?.RequestsPerMinute, TokensPerMinute ?? tier?.TokensPerMinute, MaxConcurrentRequests ?? tier?.MaxConcurrentRequests);

    internal IEnumerable<string> Validate(string path, KimiProvider provider)
    {
        if (!string.IsNullOrWhiteSpace(Tier) && !provider.RateTiers.Any(t => string.Equals(t.Name, Tier.Trim(), StringComparison.OrdinalIgnoreCase)))
        {
            yield return provider.RateTiers.Count == 0
                ? $"{path}:Tier '{Tier}' is not a tier of {provider.DisplayName}, which has no named tiers: set RequestsPerMinute, TokensPerMinute or MaxConcurrentRequests instead."
                : $"{path}:Tier '{Tier}' is not a tier of {provider.DisplayName}; use one of {string.Join(", ", provider.RateTiers.Select(static t => t.Name))}, or explicit limits.";
        }

        if (Limiter is not null && !IsEnabled)
        {
            yield return $"{path}:Limiter is set but no limit is, so it would never be asked: set Tier, RequestsPerMinute, TokensPerMinute or MaxConcurrentRequests, or remove the limiter.";
        }

        foreach (var (name, value) in new (string, int?)[] { (nameof(RequestsPerMinute), RequestsPerMinute), (nameof(TokensPerMinute), TokensPerMinute), (nameof(MaxConcurrentRequests), MaxConcurrentRequests) })
        {
            if (value is < 1)
            {
                yield return $"{path}:{name} must be at least 1 when set; got {value}.";
            }
        }
    }

    internal KimiRateLimitOptions Clone() => (KimiRateLimitOptions)MemberwiseClone();
}
