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

        if (apiKey is { Length: >= 4 } && text.Contains(apiKey, StringComparison.Ordinal))
        {
            text = text.Replace(apiKey, Redacted, StringComparison.Ordinal);
        }

        return text.Contains("Bearer ", StringComparison.OrdinalIgnoreCase) ? BearerToken().Replace(text, "Bearer " + Redacted) : text;
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9._~+/=-]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerToken();
}
