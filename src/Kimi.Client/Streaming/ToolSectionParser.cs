namespace Kimi.Client.Streaming;

/// <summary>
/// Parses a Kimi tool-call section written as text (a server without <c>--tool-call-parser kimi_k2</c>) with Moonshot's
/// documented grammar (vllm-sglang.md, "The tool-call parser flag"): one section; each call is <c>&lt;|tool_call_begin|&gt;</c>
/// id <c>&lt;|tool_call_argument_begin|&gt;</c> JSON <c>&lt;|tool_call_end|&gt;</c>; the id is <c>functions.{name}:{idx}</c>.
/// Whitespace around the markers is ignored (detokenisers put spaces next to added tokens).
/// </summary>
internal static class ToolSectionParser
{
    internal const string SectionBegin = "<|tool_calls_section_begin|>";
    internal const string SectionEnd = "<|tool_calls_section_end|>";
    private const string CallBegin = "<|tool_call_begin|>";
    private const string ArgumentBegin = "<|tool_call_argument_begin|>";
    private const string CallEnd = "<|tool_call_end|>";

    /// <summary>The calls of a whole section (begin and end markers included), or an empty array when it does not follow the grammar.</summary>
    public static ToolCallUpdate[] Parse(string section)
    {
        var body = section.AsSpan();
        if (!body.StartsWith(SectionBegin, StringComparison.Ordinal) || !body.EndsWith(SectionEnd, StringComparison.Ordinal))
        {
            return [];
        }

        body = body[SectionBegin.Length..^SectionEnd.Length];
        var calls = new List<ToolCallUpdate>();
        while (true)
        {
            body = body.TrimStart();
            if (body.IsEmpty)
            {
                return [.. calls];
            }

            if (!body.StartsWith(CallBegin, StringComparison.Ordinal))
            {
                return []; // text between calls: not the grammar
            }

            body = body[CallBegin.Length..];
            var argumentsAt = body.IndexOf(ArgumentBegin, StringComparison.Ordinal);
            var endAt = body.IndexOf(CallEnd, StringComparison.Ordinal);
            if (argumentsAt < 0 || endAt < argumentsAt)
            {
                return [];
            }

            var id = body[..argumentsAt].Trim().ToString();
            var name = NameOf(id);
            if (name.Length == 0)
            {
                return [];
            }

            var arguments = body[(argumentsAt + ArgumentBegin.Length)..endAt].Trim().ToString();
            calls.Add(new ToolCallUpdate(calls.Count, id, name, arguments) { IndexWasExplicit = true });
            body = body[(endAt + CallEnd.Length)..];
        }
    }

    /// <summary>The function name in an id: after <c>functions.</c> and before the last <c>:</c> (else after the last <c>.</c>).</summary>
    internal static string NameOf(string id)
    {
        var colon = id.LastIndexOf(':');
        var head = colon > 0 ? id.AsSpan(0, colon) : id.AsSpan();
        return (head.StartsWith("functions.", StringComparison.Ordinal) ? head["functions.".Length..] : head[(head.LastIndexOf('.') + 1)..]).Trim().ToString();
    }
}
