namespace Kimi.Client;

/// <summary>
/// One host-specific reading of an error body, as data: when it matches (by provider error code, message text and/or HTTP
/// status), it says what the error means and what to do. The first matching rule of <see cref="KimiProvider.ErrorRules"/> wins;
/// errors no rule matches are read by their HTTP status.
/// </summary>
/// <example>
/// Cloudflare's capacity error: <c>new KimiErrorRule { Code = "3040", Status = 429, Kind = KimiErrorKind.RateLimit, Advice = "…" }</c>.
/// </example>
public sealed record KimiErrorRule
{
    /// <summary>The provider error code to match exactly (as text: <c>3040</c>), or <see langword="null"/> for any.</summary>
    public string? Code { get; init; }

    /// <summary>A fragment of the error message to match, case-insensitively (<c>usage limit</c>), or <see langword="null"/> for any.</summary>
    public string? MessageContains { get; init; }

    /// <summary>The HTTP status the rule applies to, or <see langword="null"/> for any (including errors in a 200 body or mid-stream).</summary>
    public int? WhenStatus { get; init; }

    /// <summary>
    /// The HTTP status the error stands for when the response's own status does not say (an error in a 200 body or a stream
    /// event), and the one reported on the exception then; <see langword="null"/> keeps the response's.
    /// </summary>
    public int? Status { get; init; }

    /// <summary>What the error means; <see langword="null"/> decides by status.</summary>
    public KimiErrorKind? Kind { get; init; }

    /// <summary>What to do, added to the exception's message; <c>{AccountId}</c> is replaced by the host's account id.</summary>
    public string? Advice { get; init; }

    /// <summary>Whether the rule matches an error received with the given status.</summary>
    internal bool Matches(int status, KimiProviderError error) =>
        (Code is null || string.Equals(Code, error.Code, StringComparison.OrdinalIgnoreCase)) &&
        (MessageContains is null || error.Message?.Contains(MessageContains, StringComparison.OrdinalIgnoreCase) == true) &&
        (WhenStatus is null || WhenStatus == status) &&
        (Code is not null || MessageContains is not null || WhenStatus is not null); // an empty rule matches nothing
}
