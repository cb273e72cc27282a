namespace Kimi.Client;

/// <summary>
/// The client-side rate limit (<see cref="KimiClientOptions.RateLimit"/>) would have made this call wait longer than the
/// time left in its budget; nothing was sent. <see cref="RetryAfter"/> says how long until it would fit.
/// </summary>
/// <param name="message">Which limit and what to change.</param>
/// <param name="provider">The provider the call was for.</param>
/// <param name="retryAfter">How long until the call would fit.</param>
public class KimiClientRateLimitException(string message, KimiProvider provider, TimeSpan retryAfter)
    : KimiException(message, provider)
{
    /// <summary>How long until the call would fit within the limit.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter;
}
