using System.Net.Http.Headers;

namespace Kimi.Client;

/// <summary>
/// How an app is credited on OpenRouter's app pages: <c>HTTP-Referer</c> (the app's URL), <c>X-OpenRouter-Title</c> (its name)
/// and <c>X-OpenRouter-Categories</c> (at most two lowercase, hyphenated categories such as <c>cli-agent</c>), sent on every call.
/// </summary>
/// <param name="AppUrl">The app's URL, sent as <c>HTTP-Referer</c> (required for an app page).</param>
/// <param name="AppTitle">The app's name, sent as <c>X-OpenRouter-Title</c>.</param>
/// <param name="Categories">Up to <see cref="MaxCategories"/> categories (<c>cli-agent</c>, <c>ide-extension</c> …), sent comma-separated as <c>X-OpenRouter-Categories</c>.</param>
/// <param name="SendLegacyTitle">Whether <paramref name="AppTitle"/> is also sent as the legacy <c>X-Title</c> header (still accepted).</param>
public sealed record OpenRouterAttribution(Uri? AppUrl = null, string? AppTitle = null, IReadOnlyList<string>? Categories = null, bool SendLegacyTitle = false)
{
    /// <summary>OpenRouter reads at most this many categories per request.</summary>
    public const int MaxCategories = 2;

    internal IEnumerable<string> Validate(string path)
    {
        if (AppUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
        {
            yield return $"{path}:AppUrl must be an absolute http(s) URL such as https://example.app.";
        }

        if (AppTitle is { } title && (string.IsNullOrWhiteSpace(title) || title.Any(static c => c is < ' ' or > '~')))
        {
            yield return $"{path}:AppTitle must be printable ASCII (it travels as an HTTP header); got '{new string([.. title.Where(static c => c is >= ' ' and <= '~')])}' after removing the rest.";
        }

        if (Categories is { } categories)
        {
            if (categories.Count > MaxCategories)
            {
                yield return $"{path}:Categories has {categories.Count} values; OpenRouter reads at most {MaxCategories} per request. Keep the two that describe the app best.";
            }

            foreach (var category in categories)
            {
                if (!IsCategory(category))
                {
                    yield return $"{path}:Categories has '{category}'; a category is lowercase letters and digits joined by single hyphens, such as cli-agent.";
                }
            }
        }
    }

    /// <summary>Adds the headers that are set.</summary>
    internal void AddTo(HttpRequestHeaders headers)
    {
        if (AppUrl is { } url)
        {
            headers.TryAddWithoutValidation("HTTP-Referer", url.OriginalString); // as given: https://example.app, not …/
        }

        if (AppTitle is { } title)
        {
            headers.TryAddWithoutValidation("X-OpenRouter-Title", title);
            if (SendLegacyTitle)
            {
                headers.TryAddWithoutValidation("X-Title", title);
            }
        }

        if (Categories is { Count: > 0 } categories)
        {
            headers.TryAddWithoutValidation("X-OpenRouter-Categories", string.Join(',', categories));
        }
    }

    private static bool IsCategory(string? value)
    {
        if (string.IsNullOrEmpty(value) || value[0] == '-' || value[^1] == '-' || value.Contains("--", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}
