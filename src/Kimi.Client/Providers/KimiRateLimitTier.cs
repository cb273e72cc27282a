namespace Kimi.Client;

/// <summary>A named account tier of a host, a preset for <see cref="KimiRateLimitOptions"/> (<c>"Tier": "Tier0"</c>).</summary>
public sealed class KimiRateLimitTier
{
    /// <summary>Creates a tier.</summary>
    /// <param name="name">The tier's name, compared case-insensitively (<c>Tier0</c>, <c>Free</c>).</param>
    /// <param name="requestsPerMinute">Requests per minute, if limited.</param>
    /// <param name="tokensPerMinute">Tokens per minute, if limited.</param>
    /// <param name="maxConcurrentRequests">Requests in flight at once, if limited.</param>
    public KimiRateLimitTier(string name, int? requestsPerMinute, int? tokensPerMinute, int? maxConcurrentRequests)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        RequestsPerMinute = requestsPerMinute;
        TokensPerMinute = tokensPerMinute;
        MaxConcurrentRequests = maxConcurrentRequests;
    }

    /// <summary>The tier's name, compared case-insensitively.</summary>
    public string Name { get; }

    /// <summary>Requests per minute, if limited.</summary>
    public int? RequestsPerMinute { get; }

    /// <summary>Tokens per minute, if limited.</summary>
    public int? TokensPerMinute { get; }

    /// <summary>Requests in flight at once, if limited.</summary>
    public int? MaxConcurrentRequests { get; }

    /// <summary>Whether the figures come from the host's documentation (<see langword="false"/>: an estimate; set explicit limits if yours differ).</summary>
    public bool IsVerified { get; init; } = true;

    /// <inheritdoc/>
    public override string ToString() => Name;
}
