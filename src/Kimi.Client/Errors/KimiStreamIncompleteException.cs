namespace Kimi.Client;

/// <summary>
/// A stream ended before it finished: the connection closed with no finish reason and no <c>[DONE]</c>.
/// <see cref="KimiException.PartialCompletion"/> holds everything received so far.
/// </summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What was received before the stream ended.</param>
/// <param name="innerException">The transport error, if the connection failed.</param>
public class KimiStreamIncompleteException(string message, KimiProvider provider, string? requestId, ChatCompletion partialCompletion, Exception? innerException = null)
    : KimiException(message, provider, requestId, partialCompletion, innerException);
