using System.Net;

namespace Kimi.Client;

/// <summary>
/// The account, or the key's own limit, cannot pay for the call (HTTP 402: OpenRouter's "This request requires more credits, or
/// fewer max_tokens"): not retried, since it will not clear until credits are added; a failover host (another account) is tried next.
/// </summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status.</param>
/// <param name="error">The provider's error, its message kept verbatim.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
public class KimiInsufficientCreditsException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiApiException(message, provider, status, error, requestId, partialCompletion);
