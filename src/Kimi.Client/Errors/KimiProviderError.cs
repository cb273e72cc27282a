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

    /// <summary>The same error with every secret removed from its text.</summary>
    internal KimiProviderError Scrubbed(Errors.SecretScrubber scrubber) =>
        new(scrubber.Scrub(Message), scrubber.Scrub(Type), scrubber.Scrub(Code), scrubber.Scrub(Param))
        {
            Details = Details?.ToDictionary(static pair => pair.Key, pair => scrubber.Scrub(pair.Value)),
        };

    /// <inheritdoc/>
    public override string ToString() => $"{Type ?? "error"}{(Code is null ? string.Empty : $" ({Code})")}: {Message}";
}
