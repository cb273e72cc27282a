using System.Net;

namespace Kimi.Client;

/// <summary>
/// A usage allowance is used up (Ollama Cloud's session or weekly limit, Cloudflare's daily free Neurons): a 429 that will
/// not clear within seconds, so it is not retried. Failover still moves on to the next host. The provider's support reference,
/// when its message carries one, is in <see cref="KimiException.RequestId"/>.
/// </summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status.</param>
/// <param name="error">The provider's error.</param>
/// <param name="retryAfter">When the allowance comes back, if the provider said.</param>
/// <param name="requestId">The provider's request id or support reference, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
public class KimiQuotaExceededException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, TimeSpan? retryAfter = null, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiRateLimitException(message, provider, status, error, retryAfter, requestId, partialCompletion);
