namespace Kimi.Client;

/// <summary>
/// A time limit ran out: no response within the attempt or total budget, no first stream event, a stream that went
/// silent, or a stream over its total limit. <see cref="KimiException.PartialCompletion"/> holds what a stream had delivered.
/// </summary>
/// <param name="message">Which limit ran out and how to change it.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="timeout">The limit that ran out.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered, if anything.</param>
/// <param name="innerException">The cancellation that the limit caused.</param>
public class KimiTimeoutException(string message, KimiProvider provider, TimeSpan timeout, string? requestId = null, ChatCompletion? partialCompletion = null, Exception? innerException = null)
    : KimiException(message, provider, requestId, partialCompletion, innerException)
{
    /// <summary>The limit that ran out.</summary>
    public TimeSpan Timeout { get; } = timeout;
}
