namespace Kimi.Client.AI;

/// <summary>
/// The <c>AdditionalProperties</c> keys <see cref="KimiChatClient"/> reads and writes. Keys starting with <c>kimi.</c> are
/// consumed by the client and never sent to the provider.
/// </summary>
public static class KimiPropertyNames
{
    /// <summary>
    /// In <c>ChatOptions.AdditionalProperties</c>: the <see cref="ThinkingMode"/> for the call (a <see cref="ThinkingMode"/>,
    /// or the text <c>"enabled"</c>, <c>"disabled"</c> or <c>"preserved"</c>). It wins over <c>ChatOptions.Reasoning.Effort</c>
    /// and is the only way to ask for <see cref="ThinkingMode.Preserved"/>.
    /// </summary>
    public const string Thinking = "kimi.thinking";

    /// <summary>On a <c>TextReasoningContent</c>: the dialect that produced the reasoning (see <see cref="ReasoningOrigin.Dialect"/>).</summary>
    public const string ReasoningDialect = "kimi.reasoning_dialect";

    /// <summary>On a <c>TextReasoningContent</c>: the model that produced the reasoning (see <see cref="ReasoningOrigin.Model"/>).</summary>
    public const string ReasoningModel = "kimi.reasoning_model";

    /// <summary>
    /// On a <c>TextReasoningContent</c>: <see langword="true"/> when the reasoning was hidden from the caller
    /// (<c>ReasoningOutput.None</c>); its text is then kept in <c>ProtectedData</c>, only to be sent back to the provider.
    /// </summary>
    public const string ReasoningHidden = "kimi.reasoning_hidden";

    /// <summary>
    /// On the first <c>FunctionCallContent</c> of a tool-call turn: that turn's reasoning (with <see cref="ReasoningDialect"/>
    /// and <see cref="ReasoningModel"/> beside it), read back when the turn's <c>TextReasoningContent</c> is gone. Hosts that
    /// forward a conversation to another agent keep the calls but drop reasoning contents (Microsoft Agent Framework
    /// workflows do), and Moonshot refuses a tool-call turn without its reasoning. Set also when the reasoning is hidden
    /// (<c>ReasoningOutput.None</c>), like <c>ProtectedData</c>: it is for the echo, not for display.
    /// </summary>
    public const string ToolTurnReasoning = "kimi.tool_turn_reasoning";

    /// <summary>On a <c>ChatResponse</c>: the provider's request id (<c>x-request-id</c> and the like), to quote to support.</summary>
    public const string RequestId = "kimi.request_id";

    /// <summary>
    /// In <c>ChatOptions.AdditionalProperties</c>: the conversation's session id (<see cref="ChatCompletionOptions.SessionId"/>; OpenRouter's
    /// <c>session_id</c> for sticky routing, Cloudflare's <c>x-session-affinity</c>). One per conversation, not per call.
    /// </summary>
    public const string SessionId = "kimi.session_id";

    /// <summary>In <c>ChatOptions.AdditionalProperties</c>: the end user's id (<see cref="ChatCompletionOptions.EndUserId"/>; OpenRouter's <c>user</c>).</summary>
    public const string EndUserId = "kimi.end_user_id";

    /// <summary>On a <c>TextReasoningContent</c> and a tool-call turn's first <c>FunctionCallContent</c>: the upstream a router used (see <see cref="ReasoningOrigin.Upstream"/>).</summary>
    public const string ReasoningUpstream = "kimi.reasoning_upstream";

    /// <summary>
    /// On a tool-call turn's first <c>FunctionCallContent</c>: the turn's structured reasoning (OpenRouter's <c>reasoning_details</c>) as
    /// JSON text, sent back verbatim with the turn (see <see cref="ChatCompletion.ReasoningDetails"/>).
    /// </summary>
    public const string ReasoningDetails = "kimi.reasoning_details";

    /// <summary>On a <c>ChatResponse</c>: the upstream a router sent the call to (see <see cref="ChatCompletion.UpstreamProvider"/>).</summary>
    public const string UpstreamProvider = "kimi.upstream_provider";

    /// <summary>On a <c>ChatResponse</c>: the finish reason as the model's own server sent it (see <see cref="ChatCompletion.NativeFinishReason"/>).</summary>
    public const string NativeFinishReason = "kimi.native_finish_reason";

    /// <summary>On a <c>ChatResponse</c>: what the call cost in US dollars as the host reported it, a <see cref="decimal"/> (see <see cref="TokenUsage.Cost"/>).</summary>
    public const string Cost = "kimi.cost";

    /// <summary>
    /// On a streamed <c>ChatResponseUpdate</c>: <see langword="true"/> when the reasoning streamed before it was not reasoning
    /// after all (a host without a reasoning parser ended before <c>&lt;/think&gt;</c>) and its text is the whole answer;
    /// see <see cref="ChatCompletionUpdate.ReasoningReclassifiedAsText"/>.
    /// </summary>
    public const string ReasoningReclassifiedAsText = "kimi.reasoning_reclassified_as_text";
}
