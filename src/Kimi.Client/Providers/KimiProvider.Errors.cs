using System.Text.RegularExpressions;

namespace Kimi.Client;

// How a host's error bodies are read beyond their HTTP status: provider codes, message markers, prefixes to strip and
// reference ids to keep.
public partial record KimiProvider
{
    /// <summary>Host-specific readings of error bodies, first match wins (Cloudflare's numeric codes, Ollama's usage-limit 429).</summary>
    public IReadOnlyList<KimiErrorRule> ErrorRules { get; init; } = [];

    /// <summary>Prefixes stripped from error messages, as often as they repeat (Cloudflare: <c>AiError: </c>).</summary>
    public IReadOnlyList<string> ErrorMessagePrefixes { get; init; } = [];

    /// <summary>
    /// A regular expression whose first group is a support reference inside error messages (Ollama: <c>(ref: 90a4…)</c>), kept
    /// as the exception's request id when no response header carried one; <see langword="null"/> for none.
    /// </summary>
    public string? ErrorReferencePattern { get; init; }

    /// <summary>The first of <see cref="ErrorRules"/> that matches an error, or <see langword="null"/>.</summary>
    internal KimiErrorRule? MatchErrorRule(int status, KimiProviderError error)
    {
        foreach (var rule in ErrorRules ?? [])
        {
            if (rule.Matches(status, error))
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>The message without the host's repeated prefixes.</summary>
    internal string? StripErrorPrefixes(string? message)
    {
        if (message is null || ErrorMessagePrefixes is null or { Count: 0 })
        {
            return message;
        }

        var stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (var prefix in ErrorMessagePrefixes)
            {
                if (prefix.Length > 0 && message.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    message = message[prefix.Length..].TrimStart();
                    stripped = true;
                }
            }
        }

        return message;
    }

    /// <summary>The support reference in an error message (<see cref="ErrorReferencePattern"/>), or <see langword="null"/>.</summary>
    internal string? ReadErrorReference(string? message)
    {
        if (message is null || ErrorReferencePattern is null)
        {
            return null;
        }

        // The static Regex.Match caches the parsed pattern; no field, so equal profiles stay equal records.
        var match = Regex.Match(message, ErrorReferencePattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        return match.Success && match.Groups.Count > 1 && match.Groups[1].Value.Length > 0 ? match.Groups[1].Value : null;
    }
}
