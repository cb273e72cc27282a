namespace Kimi.Client;

/// <summary>What a provider error means, and so which exception it becomes and whether it is retried.</summary>
public enum KimiErrorKind
{
    /// <summary>The key, account or plan does not allow the call (<see cref="KimiAuthenticationException"/>); not retried.</summary>
    Authentication = 0,

    /// <summary>Rate limited or out of capacity for now (<see cref="KimiRateLimitException"/>); retried with capped backoff.</summary>
    RateLimit = 1,

    /// <summary>A usage allowance is used up and will not come back within seconds (<see cref="KimiQuotaExceededException"/>); not retried.</summary>
    QuotaExceeded = 2,

    /// <summary>The request or the client's configuration is wrong (<see cref="KimiBadRequestException"/>); not retried.</summary>
    BadRequest = 3,

    /// <summary>The model id is not served here (<see cref="KimiModelNotFoundException"/>); not retried.</summary>
    ModelNotFound = 4,

    /// <summary>The host failed, timed out or is unavailable (<see cref="KimiServerException"/>); retried.</summary>
    Server = 5,

    /// <summary>The account or key cannot pay for the call (<see cref="KimiInsufficientCreditsException"/>; HTTP 402); not retried.</summary>
    InsufficientCredits = 6,
}
