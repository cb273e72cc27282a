namespace Kimi.Client;

public partial record KimiProvider
{
    /// <summary>
    /// Whether the host may put Kimi's reasoning inline in <c>content</c> (a vLLM, SGLang or KTransformers server started
    /// without <c>--reasoning-parser kimi_k2</c>), so the client splits it out: everything up to the first
    /// <c>&lt;/think&gt;</c> (or <c>&lt;|tool_calls_section_begin|&gt;</c>) becomes reasoning, the rest text, in streams too.
    /// Default: <see langword="false"/> (content passes through untouched and nothing is scanned); <see cref="KTransformers"/> turns it on.
    /// </summary>
    /// <remarks>
    /// The split only happens while thinking is on for the call, and stands down as soon as the server fills a reasoning
    /// field itself. A response that ends before <c>&lt;/think&gt;</c> is returned as text with an
    /// <see cref="ChatCompletionWarning.InlineReasoningUnterminated"/> warning. Restarting the server with the parser is the
    /// real fix; this is the fallback.
    /// </remarks>
    public bool InlineReasoning { get; init; }

    /// <summary>
    /// Whether a Kimi tool-call section written as text in the answer (a server started without
    /// <c>--tool-call-parser kimi_k2</c>) is parsed into <see cref="ChatCompletion.ToolCalls"/>, with ids kept verbatim and
    /// <see cref="ChatCompletion.ToolCallsRecoveredFromText"/> set. Needs <see cref="InlineReasoning"/>. Default: <see langword="false"/>.
    /// </summary>
    public bool RecoverToolCallsFromText { get; init; }

    /// <summary>The inline-reasoning settings' own checks, worded for configuration.</summary>
    private IEnumerable<string> ValidateInlineReasoning()
    {
        if (RecoverToolCallsFromText && !InlineReasoning)
        {
            yield return $"Kimi:Hosts:{Name}:RecoverToolCallsFromText needs InlineReasoning: tool calls are only recovered from text by the inline splitter. " +
                         "Set InlineReasoning to true as well, or remove RecoverToolCallsFromText.";
        }
    }
}
