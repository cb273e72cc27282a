namespace Kimi.Client;

/// <summary>What became of one try of a call.</summary>
public enum KimiAttemptOutcome
{
    /// <summary>The host answered and the answer (or stream) was handed to the caller.</summary>
    Succeeded = 0,

    /// <summary>The try failed temporarily (429, 5xx, timeout, connection) and the same host was tried again.</summary>
    Retried = 1,

    /// <summary>The try failed and the call moved on to the next failover host.</summary>
    FailedOver = 2,

    /// <summary>The try failed and the call ended with its error.</summary>
    Failed = 3,

    /// <summary>The host could not take the call as asked (for example preserved thinking it does not support); nothing was sent to it.</summary>
    Skipped = 4,

    /// <summary>Not sent: the client-side rate limit would have held the call longer than the time left.</summary>
    NotSent = 5,
}
