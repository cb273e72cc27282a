namespace Kimi.Client.Testing;

/// <summary>
/// A way a real deployment can differ from its host's documented behaviour, switched on in
/// <see cref="KimiEmulatorOptions.Deviations"/> to test that a client or <c>kimi verify</c> notices it (conformance 47).
/// Each one changes one thing; the rest of the dialect stays as documented.
/// </summary>
public enum EmulatorDeviation
{
    /// <summary>Thinking off is ignored: reasoning (the reply's, else <c>x</c>) comes back anyway.</summary>
    ThinkingOffIgnored,

    /// <summary>Thinking on is ignored: no reasoning ever comes back.</summary>
    ThinkingOnIgnored,

    /// <summary>A request that carries a thinking switch (<c>thinking</c>, <c>chat_template_kwargs</c>, <c>reasoning_effort</c>) is rejected with 400.</summary>
    ThinkingSwitchRejected,

    /// <summary>Reasoning arrives under the other field name (<c>reasoning</c> instead of <c>reasoning_content</c>, or the reverse).</summary>
    ReasoningInOtherField,

    /// <summary>Reasoning arrives inline in <c>content</c>, closed by <c>&lt;/think&gt;</c> (a server without a reasoning parser).</summary>
    ReasoningInline,

    /// <summary>A history whose assistant turns carry reasoning is rejected with 400 (a host that does not take the field back).</summary>
    ReasoningRoundTripRejected,

    /// <summary>An assistant tool-call turn without reasoning is accepted while thinking (Moonshot's 400 is not enforced).</summary>
    ReasoningRoundTripNotEnforced,

    /// <summary>Tool calls come back with <c>finish_reason</c> <c>stop</c>.</summary>
    ToolCallsFinishWithStop,

    /// <summary>Tool-call arguments break the schema: the first string argument becomes the number 5 (<c>{"city":5}</c>).</summary>
    InvalidToolArguments,

    /// <summary>The model never calls a tool; it answers in text instead.</summary>
    NeverCallsTools,

    /// <summary>Tool calls arrive as Kimi's raw tool-call section in <c>content</c>, <c>tool_calls</c> empty (a server without a tool parser).</summary>
    ToolCallsAsText,

    /// <summary>Tool-call ids are rewritten to <c>call_x1</c>, <c>call_x2</c> … instead of the host's own shape.</summary>
    ToolCallIdsRewritten,

    /// <summary>A history whose tool-call ids are not in the host's own shape (<c>call_abc123</c>) is rejected with 400.</summary>
    ForeignToolCallIdsRejected,

    /// <summary>Sampling is pinned as on a vendor-grade deployment: a temperature or top_p other than Kimi's recommended values is a 400.</summary>
    SamplingPinned,

    /// <summary>Moonshot's pinned sampling is not enforced: any temperature or top_p is accepted.</summary>
    SamplingNotPinned,

    /// <summary>Streams carry no usage anywhere.</summary>
    StreamUsageMissing,

    /// <summary>Streamed usage reports 10 more prompt tokens than the same request answered whole.</summary>
    StreamPromptTokensInflated,

    /// <summary>No cached prompt tokens are ever reported.</summary>
    NoCachedTokens,

    /// <summary>Streams end after the finish chunk without <c>data: [DONE]</c>.</summary>
    StreamWithoutDone,

    /// <summary>Image parts are rejected with 400.</summary>
    ImagesRejected,

    /// <summary>http(s) image URLs are accepted where the host documents a 400 (Moonshot).</summary>
    HttpImageUrlsAccepted,

    /// <summary>An unknown model is answered with 500 instead of the host's 404.</summary>
    UnknownModelServerError,

    /// <summary>A bad key is answered 401 with a body in no known error envelope: <c>{"fault":{"reason":"bad key"}}</c>.</summary>
    UnknownErrorEnvelope,

    /// <summary>Responses carry no request-id header.</summary>
    NoRequestIdHeader,
}
