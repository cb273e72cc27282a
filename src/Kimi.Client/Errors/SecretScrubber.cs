using System.Text.RegularExpressions;

namespace Kimi.Client.Errors;

/// <summary>Removes the API key (and any bearer token) from text that may reach a message, a log or <c>ToString()</c>.</summary>
internal sealed partial class SecretScrubber(string? apiKey)
{
    public const string Redacted = "[redacted]";

    public static SecretScrubber None { get; } = new(null);

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public string? Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        if (apiKey is { Length: >= 4 })
        {
            if (text.Contains(apiKey, StringComparison.Ordinal))
            {
                text = text.Replace(apiKey, Redacted, StringComparison.Ordinal);
            }

            text = RedactCutKey(text, apiKey);
        }

        return text.Contains("Bearer ", StringComparison.OrdinalIgnoreCase) ? BearerToken().Replace(text, "Bearer " + Redacted) : text;
    }

    // A body cut short for a message ends in "…" (ProviderErrorParser); the cut may fall inside the key, leaving a prefix of it.
    private static string RedactCutKey(string text, string apiKey)
    {
        if (!text.EndsWith('…'))
        {
            return text;
        }

        var body = text.AsSpan(0, text.Length - 1).TrimEnd();
        for (var length = Math.Min(apiKey.Length - 1, body.Length); length >= 4; length--)
        {
            if (body.EndsWith(apiKey.AsSpan(0, length), StringComparison.Ordinal))
            {
                return string.Concat(body[..^length], Redacted, "…");
            }
        }

        return text;
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9._~+/=-]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerToken();
}
