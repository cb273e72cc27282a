using System.Globalization;

namespace Kimi.Client.Http;

/// <summary>
/// Finds the API key (the options, else the host's environment variable), trims it, and refuses one that cannot be a
/// key — a pasted curly quote or a control character would otherwise fail every call as a "network error" (conformance 44).
/// Problems describe the key without printing it.
/// </summary>
internal static class ApiKeys
{
    public static (string? Key, string? Problem) Resolve(string? configured, KimiProvider provider)
    {
        var source = "is";
        var key = configured;
        if (string.IsNullOrWhiteSpace(key) && provider.ApiKeyVariable is { } variable)
        {
            key = Environment.GetEnvironmentVariable(variable);
            source = $"(from the {variable} environment variable) is";
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            return (null, null);
        }

        key = key.Trim(); // a trailing newline from a file or a terminal paste
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (c is < '!' or > '~')
            {
                var what = c switch
                {
                    '\u2018' or '\u2019' or '\u201C' or '\u201D' => "a curly quote",
                    < ' ' or '\u007F' => "a control character",
                    ' ' => "a space",
                    _ when char.IsWhiteSpace(c) => "a non-ASCII space",
                    _ => "a non-ASCII character",
                };
                return (null, $"{source} not a usable key: it contains {what} (U+{(int)c:X4}) at position {(i + 1).ToString(CultureInfo.InvariantCulture)} of {key.Length.ToString(CultureInfo.InvariantCulture)}. " +
                    "Copy the key again as plain text (keys are printable ASCII).");
            }
        }

        return (key, null);
    }
}
