namespace Kimi.Client;

/// <summary>
/// The provider sent something that is not the chat-completions protocol: a body or stream event that is not JSON,
/// or a field of the wrong type where its meaning matters (a tool-call <c>index</c> that is not a number).
/// </summary>
/// <param name="message">What was wrong, naming the offending chunk.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the bad event, if anything.</param>
/// <param name="innerException">The JSON error, if any.</param>
public class KimiResponseFormatException(string message, KimiProvider provider, string? requestId = null, ChatCompletion? partialCompletion = null, Exception? innerException = null)
    : KimiException(message, provider, requestId, partialCompletion, innerException);
