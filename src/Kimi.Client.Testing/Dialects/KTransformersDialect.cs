namespace Kimi.Client.Testing.Dialects;

/// <summary>
/// A KTransformers server as its tutorials and <c>kt run</c> start it: SGLang's wire shapes with neither
/// <c>--reasoning-parser</c> nor <c>--tool-call-parser</c> (vllm-sglang.md, KTransformers). Reasoning arrives inline in
/// <c>content</c> up to <c>&lt;/think&gt;</c>, a tool-call section arrives as text with <c>finish_reason</c> <c>stop</c>,
/// and streamed tags are cut in the middle (<c>"&lt;/th"</c>, <c>"ink&gt;"</c>), as engines whose vocabulary spells them in
/// pieces and re-chunking gateways deliver them. Test against the SGLang dialect for a server started with both parsers.
/// </summary>
internal sealed class KTransformersDialect : SGLangDialect
{
    private static readonly string[] Markers = ["</think>", "<|tool_calls_section_begin|>", "<|tool_calls_section_end|>"];

    public override bool HasReasoningParser => false;

    public override bool HasToolCallParser => false;

    public override IEnumerable<string> ContentPieces(string text)
    {
        foreach (string word in base.ContentPieces(text))
        {
            string rest = word;
            foreach (string marker in Markers)
            {
                int at = rest.IndexOf(marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    int cut = at + (marker.Length / 2);
                    yield return rest[..cut];
                    rest = rest[cut..];
                    break;
                }
            }

            yield return rest;
        }
    }
}
