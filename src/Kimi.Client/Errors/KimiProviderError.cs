namespace Kimi.Client;

/// <summary>A provider's error, normalized from whichever body shape it used.</summary>
public sealed class KimiProviderError
{
    /// <summary>Creates an error record.</summary>
    /// <param name="message">The provider's message, if any.</param>
    /// <param name="type">The provider's error type (<c>invalid_request_error</c>, <c>BadRequestError</c>, a problem title …), if any.</param>
    /// <param name="code">The provider's error code, as text (it may have been a number), if any.</param>
    /// <param name="param">The request parameter it blames, if any.</param>
    public KimiProviderError(string? message, string? type = null, string? code = null, string? param = null)
    {
        Message = message;
        Type = type;
        Code = code;
        Param = param;
    }

    /// <summary>The provider's message, as sent (API keys scrubbed).</summary>
    public string? Message { get; }

    /// <summary>The provider's error type.</summary>
    public string? Type { get; }

    /// <summary>The provider's error code, as text.</summary>
    public string? Code { get; }

    /// <summary>The request parameter the provider blames.</summary>
    public string? Param { get; }

    /// <summary>
    /// Other text fields the error body carried beside its message, by name (Ollama's <c>signin_url</c> when the local daemon is
    /// not signed in), or <see langword="null"/>. Kept as data: they are not written into exception messages or logs.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Details { get; init; }

    /// <summary>
    /// For an error a router relayed from its upstream: the router's own message (OpenRouter's <c>Provider returned error</c>),
    /// while <see cref="Message"/> and <see cref="Type"/> are the upstream's, unwrapped from <c>metadata.raw</c>. Otherwise <see langword="null"/>.
    /// </summary>
    public string? GatewayMessage { get; init; }

    /// <summary>The upstream that answered with the error (OpenRouter's <c>metadata.provider_name</c>, such as <c>Moonshot AI</c>), or <see langword="null"/>.</summary>
    public string? UpstreamProvider { get; init; }

    /// <summary>The upstream's error body as the router relayed it (OpenRouter's <c>metadata.raw</c>, API keys scrubbed), or <see langword="null"/>.</summary>
    public string? RawUpstreamError { get; init; }

    /// <summary>
    /// A router's stable error category (OpenRouter's <c>metadata.error_type</c>: <c>provider_unavailable</c>, <c>rate_limit_exceeded</c>,
    /// <c>context_length_exceeded</c> …), or <see langword="null"/>.
    /// </summary>
    public string? ErrorType { get; init; }

    /// <summary>The upstream's own error code as a router reports it (OpenRouter's <c>metadata.provider_code</c>), or <see langword="null"/>.</summary>
    public string? ProviderCode { get; init; }

    /// <summary>
    /// Why no upstream was available (OpenRouter's <c>availability.code</c>: <c>no_endpoints</c>, <c>privacy_restricted</c>,
    /// <c>capacity_exhausted</c> …), or <see langword="null"/>.
    /// </summary>
    public string? AvailabilityCode { get; init; }

    /// <summary>What excluded the upstreams (OpenRouter's <c>availability.excluded_by</c>, such as <c>data_policy:zdr</c>), or <see langword="null"/>.</summary>
    public IReadOnlyList<string>? ExcludedBy { get; init; }

    /// <summary>
    /// Whether the host says a retry can succeed (OpenRouter's <c>availability.retryable</c>), which then decides over the status;
    /// <see langword="null"/> when it does not say.
    /// </summary>
    public bool? IsRetryable { get; init; }

    /// <summary>
    /// How long the body asks to wait (OpenRouter's <c>availability.retry_after</c>, else <c>metadata.retry_after_seconds</c>, else
    /// the relayed upstream's <c>Retry-After</c>); a <c>Retry-After</c> header on the response wins over it.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The same error with every secret removed from its text.</summary>
    internal KimiProviderError Scrubbed(Errors.SecretScrubber scrubber) =>
        With(scrubber.Scrub(Message), scrubber.Scrub(Type), scrubber.Scrub(Code), scrubber.Scrub(Param), scrubber);

    /// <summary>A copy with new message, type, code and param, keeping every other member (text members passed through <paramref name="scrubber"/>).</summary>
    internal KimiProviderError With(string? message, string? type, string? code, string? param, Errors.SecretScrubber? scrubber = null) =>
        new(message, type, code, param)
        {
            Details = Details?.ToDictionary(static pair => pair.Key, pair => Scrub(scrubber, pair.Value)!),
            GatewayMessage = Scrub(scrubber, GatewayMessage),
            UpstreamProvider = Scrub(scrubber, UpstreamProvider),
            RawUpstreamError = Scrub(scrubber, RawUpstreamError),
            ErrorType = Scrub(scrubber, ErrorType),
            ProviderCode = Scrub(scrubber, ProviderCode),
            AvailabilityCode = Scrub(scrubber, AvailabilityCode),
            ExcludedBy = ExcludedBy?.Select(value => Scrub(scrubber, value)!).ToArray(),
            IsRetryable = IsRetryable,
            RetryAfter = RetryAfter,
        };

    private static string? Scrub(Errors.SecretScrubber? scrubber, string? text) => scrubber is null ? text : scrubber.Scrub(text);

    /// <inheritdoc/>
    public override string ToString() => $"{Type ?? "error"}{(Code is null ? string.Empty : $" ({Code})")}: {Message}";
}
