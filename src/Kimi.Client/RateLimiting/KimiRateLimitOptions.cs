namespace Kimi.Client;

/// <summary>
/// Client-side rate limits, off by default: requests per minute, tokens per minute and concurrent requests, shared by
/// every client in the process that calls the same provider and base URL with the same API key.
/// </summary>
/// <remarks>
/// Tokens are reserved before sending (prompt characters / 4 plus the output cap) and settled with the real usage
/// when the response or stream ends. A call that would wait longer than what is left of
/// <see cref="KimiResilienceOptions.TotalTimeout"/> fails at once with <see cref="KimiClientRateLimitException"/> (or
/// fails over). The first client created for a key fixes that key's limits.
/// </remarks>
public sealed class KimiRateLimitOptions
{
    /// <summary>A preset for a known account tier; explicit values below override it. Default: <see cref="KimiRateLimitTier.None"/>.</summary>
    public KimiRateLimitTier Tier { get; set; }

    /// <summary>Requests per minute. Default: none (or the tier's).</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Tokens (prompt plus output) per minute. Default: none (or the tier's).</summary>
    public int? TokensPerMinute { get; set; }

    /// <summary>Requests in flight at once; a stream holds its slot until its enumerator is disposed. Default: none (or the tier's).</summary>
    public int? MaxConcurrentRequests { get; set; }

    internal bool IsEnabled => RequestsPerMinute is not null || TokensPerMinute is not null || MaxConcurrentRequests is not null || Tier != KimiRateLimitTier.None;

    /// <summary>The effective limits: the tier's preset with explicit values on top.</summary>
    internal (int? RequestsPerMinute, int? TokensPerMinute, int? Concurrency) Resolve()
    {
        (int? rpm, int? tpm, int? concurrency) preset = Tier switch
        {
            KimiRateLimitTier.NvidiaFree => (40, null, null),
            KimiRateLimitTier.MoonshotTier0 => (3, 500_000, 1),
            KimiRateLimitTier.MoonshotTier1 => (200, 2_000_000, 50),
            KimiRateLimitTier.MoonshotTier2 => (500, 3_000_000, 100),
            KimiRateLimitTier.MoonshotTier3 => (5_000, 3_000_000, 200),
            KimiRateLimitTier.MoonshotTier4 => (5_000, 4_000_000, 400),
            KimiRateLimitTier.MoonshotTier5 => (10_000, 5_000_000, 1_000),
            _ => (null, null, null),
        };
        return (RequestsPerMinute ?? preset.rpm, TokensPerMinute ?? preset.tpm, MaxConcurrentRequests ?? preset.concurrency);
    }

    internal IEnumerable<string> Validate(string path)
    {
        if (!Enum.IsDefined(Tier))
        {
            yield return $"{path}:Tier '{Tier}' is not a known tier.";
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
