using System.Net;

namespace Kimi.Client;

/// <summary>The provider answered with an error, either as an HTTP status or as an error event inside a stream.</summary>
public class KimiApiException : KimiException
{
    /// <summary>Creates an exception. Prefer <see cref="KimiModelFactory"/> in tests.</summary>
    /// <param name="message">What went wrong and what to change.</param>
    /// <param name="provider">The provider that was called.</param>
    /// <param name="status">The HTTP status (for an error event inside a stream, the status it corresponds to).</param>
    /// <param name="error">The provider's error as parsed from the body.</param>
    /// <param name="requestId">The provider's request id, if known.</param>
    /// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
    public KimiApiException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, string? requestId = null, ChatCompletion? partialCompletion = null)
        : base(message, provider, requestId, partialCompletion)
    {
        Status = status;
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    /// <summary>The HTTP status, or the status an in-stream error event corresponds to.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The provider's error: message, type and code, whichever of the five body shapes it came in.</summary>
    public KimiProviderError Error { get; }

    /// <summary>Whether the error arrived as an event inside a stream that had started successfully.</summary>
    public bool IsStreamError { get; init; }
}

/// <summary>The API key was missing, wrong, for another region, or lacks permission or balance (401, 403).</summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status.</param>
/// <param name="error">The provider's error.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
public class KimiAuthenticationException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiApiException(message, provider, status, error, requestId, partialCompletion);

/// <summary>The provider is rate limiting or overloaded (429). Retryable after <see cref="RetryAfter"/>.</summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status.</param>
/// <param name="error">The provider's error.</param>
/// <param name="retryAfter">How long the provider asked us to wait, from a header or its message.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
public class KimiRateLimitException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, TimeSpan? retryAfter, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiApiException(message, provider, status, error, requestId, partialCompletion)
{
    /// <summary>How long the provider asked us to wait (<c>Retry-After</c>, <c>retry-after-ms</c>, or "try again after N seconds").</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The request was invalid (400, 404, 405, 422 and other 4xx): retrying the same request will not help.</summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status.</param>
/// <param name="error">The provider's error.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
public class KimiBadRequestException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiApiException(message, provider, status, error, requestId, partialCompletion);

/// <summary>The prompt plus the output cap do not fit the model's context window (262,144 tokens for Kimi K2.6).</summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status (DeepInfra reports this as 500).</param>
/// <param name="error">The provider's error.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
public class KimiContextLengthExceededException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiBadRequestException(message, provider, status, error, requestId, partialCompletion);

/// <summary>
/// Moonshot rejected an assistant tool-call turn sent without its reasoning while thinking was on
/// ("reasoning_content is missing in assistant tool call message at index N").
/// </summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status.</param>
/// <param name="error">The provider's error.</param>
/// <param name="messageIndex">The index of the offending message in the request's <c>messages</c>.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
public class KimiMissingReasoningException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, int messageIndex, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiBadRequestException(message, provider, status, error, requestId, partialCompletion)
{
    /// <summary>The index of the assistant message that lacked reasoning, in the request's <c>messages</c> array.</summary>
    public int MessageIndex { get; } = messageIndex;
}

/// <summary>The model id is not served here: unknown id, not on this account, or withdrawn (NVIDIA's "Function … Not found").</summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status.</param>
/// <param name="error">The provider's error.</param>
/// <param name="requestId">The provider's request id, if known.</param>
public class KimiModelNotFoundException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, string? requestId = null)
    : KimiBadRequestException(message, provider, status, error, requestId);

/// <summary>The provider failed (5xx, or an error event mid-stream). Usually retryable.</summary>
/// <param name="message">What went wrong and what to change.</param>
/// <param name="provider">The provider that was called.</param>
/// <param name="status">The HTTP status.</param>
/// <param name="error">The provider's error.</param>
/// <param name="requestId">The provider's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered before the error, if anything.</param>
public class KimiServerException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiApiException(message, provider, status, error, requestId, partialCompletion);
