namespace Kimi.Client;

/// <summary>A named account tier of a host, a preset for <see cref="KimiRateLimitOptions"/> (<c>"Tier": "Tier0"</c>).</summary>
/// <param name="Name">The tier's name, compared case-insensitively (<c>Tier0</c>, <c>Free</c>).</param>
/// <param name="RequestsPerMinute">Requests per minute, if limited.</param>
/// <param name="TokensPerMinute">Tokens per minute, if limited.</param>
/// <param name="MaxConcurrentRequests">Requests in flight at once, if limited.</param>
public sealed record KimiRateLimitTier(string Name, int? RequestsPerMinute, int? TokensPerMinute, int? MaxConcurrentRequests)
{
    /// <summary>Whether the figures come from the host's documentation (<see langword="false"/>: an estimate; set explicit limits if yours differ).</summary>
    public bool IsVerified { get; init; } = true;
}
