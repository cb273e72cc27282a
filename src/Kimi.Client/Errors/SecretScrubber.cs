using System.Text.RegularExpressions;

namespace Kimi.Client.Errors;

/// <summary>
/// Removes secrets from text that may leave the library (a message, a log, <c>ToString()</c>, a span): the API key, any
/// credentials written into the endpoint (<c>user:key@</c> userinfo, query values), and any bearer token.
/// </summary>
internal sealed partial class SecretScrubber
{
    public const string Redacted = "[redacted]";
    private const int MinSecretLength = 4; // shorter values would redact ordinary words

    private readonly string[] _secrets;

    public SecretScrubber(string? apiKey, Uri? endpoint = null)
    {
        var secrets = new List<string>(4);
        Add(secrets, apiKey);
        foreach (var secret in EndpointSecrets(endpoint))
        {
            Add(secrets, secret);
        }

        // Longest first, so a secret that contains another is removed whole. (A plain sort, not LINQ: this runs in every
        // client's constructor, and LINQ's generic instantiations cost a fresh process's first call several milliseconds.)
        secrets.Sort(static (a, b) => b.Length.CompareTo(a.Length));
        _secrets = secrets.ToArray();
    }

    public static SecretScrubber None { get; } = new(null);

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public string? Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in _secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Redacted, StringComparison.Ordinal);
            }

            text = RedactCutSecret(text, secret);
        }

        return text.Contains("Bearer ", StringComparison.OrdinalIgnoreCase) ? BearerToken().Replace(text, "Bearer " + Redacted) : text;
    }

    /// <summary>An endpoint for display: userinfo and query values replaced, and the key removed wherever it appears.</summary>
    public string ScrubEndpoint(Uri endpoint) => Scrub(ScrubUri(endpoint, null));

    /// <summary>An endpoint for display without a client: userinfo and query values replaced, and <paramref name="apiKey"/> removed.</summary>
    public static string ScrubUri(Uri endpoint, string? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri)
        {
            return new SecretScrubber(apiKey).Scrub(endpoint.OriginalString);
        }

        var text = endpoint.GetComponents(UriComponents.SchemeAndServer & ~UriComponents.UserInfo, UriFormat.UriEscaped);
        if (endpoint.UserInfo.Length > 0)
        {
            text = text.Insert(text.IndexOf("//", StringComparison.Ordinal) + 2, Redacted + "@");
        }

        text += endpoint.AbsolutePath;
        if (endpoint.Query.Length > 1)
        {
            text += "?" + string.Join('&', endpoint.Query[1..].Split('&').Select(static pair => pair.Split('=', 2)[0] + "=" + Redacted));
        }

        return new SecretScrubber(apiKey, endpoint).Scrub(text);
    }

    private static IEnumerable<string> EndpointSecrets(Uri? endpoint)
    {
        if (endpoint is not { IsAbsoluteUri: true })
        {
            yield break;
        }

        if (endpoint.UserInfo.Length > 0)
        {
            yield return endpoint.UserInfo;
            foreach (var part in endpoint.UserInfo.Split(':'))
            {
                yield return part;
                yield return Uri.UnescapeDataString(part);
            }
        }

        if (endpoint.Query.Length > 1)
        {
            foreach (var pair in endpoint.Query[1..].Split('&'))
            {
                var value = pair.Split('=', 2) is [_, var v] ? v : null;
                if (value is not null)
                {
                    yield return value;
                    yield return Uri.UnescapeDataString(value);
                }
            }
        }
    }

    private static void Add(List<string> secrets, string? secret)
    {
        if (secret is { Length: >= MinSecretLength } && !secrets.Contains(secret)) // List<string>.Contains compares ordinally
        {
            secrets.Add(secret);
        }
    }

    // A body cut short for a message ends in "…" (ProviderErrorParser); the cut may fall inside the secret, leaving a prefix of it.
    private static string RedactCutSecret(string text, string secret)
    {
        if (!text.EndsWith('…'))
        {
            return text;
        }

        var body = text.AsSpan(0, text.Length - 1).TrimEnd();
        for (var length = Math.Min(secret.Length - 1, body.Length); length >= MinSecretLength; length--)
        {
            if (body.EndsWith(secret.AsSpan(0, length), StringComparison.Ordinal))
            {
                return string.Concat(body[..^length], Redacted, "…");
            }
        }

        return text;
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9._~+/=-]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerToken();
}
