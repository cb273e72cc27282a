using System.Text;
using System.Text.RegularExpressions;

namespace Kimi.Client;

// What a host is documented to do on the wire beyond what the request path needs: the expectations that
// Verification/KimiVerifier checks a deployment against (spec: verifier.md, "Host expectation matrix").
public partial record KimiProvider
{
    /// <summary>
    /// The shape of the tool-call ids the host issues, with <c>{name}</c> and <c>{index}</c> placeholders: <c>{name}_{index}</c>
    /// on Moonshot (<c>get_weather_0</c>), <c>functions.{name}:{index}</c> for engines with Kimi's tool parser. <see langword="null"/>
    /// when unconfirmed. Ids are always echoed verbatim; this only says what a healthy host sends.
    /// </summary>
    public string? ToolCallIdFormat { get; init; } = "functions.{name}:{index}";

    /// <summary>Whether the host is documented to report cached prompt tokens (Moonshot's automatic context caching).</summary>
    public bool ReportsCachedTokens { get; init; }

    /// <summary>Whether one of <see cref="RequestIdHeaders"/> is documented to be on every response (NVIDIA's <c>NVCF-REQID</c>).</summary>
    public bool RequestIdAlwaysSent { get; init; }

    /// <summary>A tool-call id in the host's documented shape, or <see langword="null"/> when <see cref="ToolCallIdFormat"/> is unset.</summary>
    /// <param name="name">The function name.</param>
    /// <param name="index">The call's number.</param>
    /// <returns>The id.</returns>
    public string? FormatToolCallId(string name, int index) =>
        ToolCallIdFormat?.Replace("{name}", name, StringComparison.Ordinal).Replace("{index}", index.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Whether <paramref name="id"/> has the shape of <see cref="ToolCallIdFormat"/> (any function name and index).</summary>
    /// <param name="id">A tool-call id.</param>
    /// <returns><see langword="true"/> when it matches, <see langword="false"/> when not, <see langword="null"/> when the format is unset.</returns>
    public bool? MatchesToolCallIdFormat(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (ToolCallIdFormat is not { Length: > 0 } format)
        {
            return null;
        }

        var pattern = new StringBuilder("^");
        var rest = format.AsSpan();
        while (rest.Length > 0)
        {
            if (rest.StartsWith("{name}", StringComparison.Ordinal))
            {
                pattern.Append(@"[A-Za-z0-9_\-.$]+");
                rest = rest["{name}".Length..];
            }
            else if (rest.StartsWith("{index}", StringComparison.Ordinal))
            {
                pattern.Append(@"\d+");
                rest = rest["{index}".Length..];
            }
            else
            {
                pattern.Append(Regex.Escape(rest[..1].ToString()));
                rest = rest[1..];
            }
        }

        return Regex.IsMatch(id, pattern.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }
}
