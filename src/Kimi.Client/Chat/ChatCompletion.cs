using System.Text.Json;

namespace Kimi.Client;

/// <summary>The model's answer to one call: text, reasoning, tool calls, why it stopped, and token usage.</summary>
public sealed class ChatCompletion
{
    internal ChatCompletion(
        string? id,
        string? model,
        DateTimeOffset? created,
        string text,
        string? reasoning,
        IReadOnlyList<ToolCall> toolCalls,
        FinishReason? finishReason,
        TokenUsage? usage,
        KimiResponseInfo? response,
        ReasoningOrigin? reasoningOrigin,
        bool isIncomplete)
    {
        Id = id;
        Model = model;
        Created = created;
        Text = text;
        Reasoning = reasoning;
        ToolCalls = toolCalls;
        FinishReason = finishReason;
        Usage = usage;
        Response = response;
        ReasoningOrigin = reasoningOrigin;
        IsIncomplete = isIncomplete;
    }

    /// <summary>The provider's completion id (<c>chatcmpl-…</c>; OpenRouter's generation id <c>gen-…</c>, from the body or its <c>X-Generation-Id</c> header).</summary>
    public string? Id { get; }

    /// <summary>The model that answered, as the provider reported it (OpenRouter names the dated slug, <c>moonshotai/kimi-k2.6-20260420</c>, or a fallback model).</summary>
    public string? Model { get; }

    /// <summary>When the provider created the completion.</summary>
    public DateTimeOffset? Created { get; }

    /// <summary>The visible answer (empty when the model only reasoned or only called tools).</summary>
    public string Text { get; }

    /// <summary>
    /// For a call with a prefill (<see cref="ChatCompletionOptions.Prefill"/>, <see cref="KimiMessage.Prefill"/>), the prefill
    /// text; <see cref="Text"/> is then only the continuation. <see langword="null"/> otherwise.
    /// </summary>
    public string? PrefillText { get; internal set; }

    /// <summary>The whole answer: <see cref="PrefillText"/> followed by <see cref="Text"/> (just <see cref="Text"/> without a prefill).</summary>
    public string FullText => PrefillText is null ? Text : PrefillText + Text;

    /// <summary>The model's reasoning; <see langword="null"/> when none was sent, <c>""</c> when the provider sent an empty one.</summary>
    public string? Reasoning { get; }

    /// <summary>The tool calls the model asked for, assembled and in order.</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; }

    /// <summary>Why the model stopped; <see langword="null"/> when the provider did not say.</summary>
    public FinishReason? FinishReason { get; }

    /// <summary>
    /// Why the model stopped, as the model's own server said it, where a router normalizes <see cref="FinishReason"/> (OpenRouter's
    /// <c>native_finish_reason</c>); <see langword="null"/> otherwise.
    /// </summary>
    public string? NativeFinishReason { get; internal init; }

    /// <summary>The upstream a router sent the call to (OpenRouter's <c>provider</c>, such as <c>Moonshot AI</c>); <see langword="null"/> when the host served it itself.</summary>
    public string? UpstreamProvider { get; internal init; }

    /// <summary>
    /// The structured reasoning items as the host sent them (OpenRouter's <c>reasoning_details</c>: a JSON array, streamed fragments
    /// merged, unknown item types kept), or <see langword="null"/>. <see cref="ToMessage"/> keeps them, and they go back verbatim
    /// to the same host and model only.
    /// </summary>
    public JsonElement? ReasoningDetails { get; internal init; }

    /// <summary>
    /// The fields of the answer that the SDK does not read, by path: <c>system_fingerprint</c>, <c>service_tier</c>,
    /// <c>choices[0].logprobs</c>, <c>choices[0].message.refusal</c>, a host's own extras. Null values are left out;
    /// <see langword="null"/> when there are none. A streamed answer has them only with
    /// <see cref="KimiClientOptions.IncludeUnknownStreamFields"/> (the union of its chunks', the last value of a field winning).
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement>? AdditionalProperties { get; internal init; }

    /// <summary>Normalized token usage, when the provider reported it.</summary>
    public TokenUsage? Usage { get; }

    /// <summary>The HTTP response's status, headers and request id.</summary>
    public KimiResponseInfo? Response { get; }

    /// <summary>The provider's request id (shortcut for <c>Response?.RequestId</c>).</summary>
    public string? RequestId => Response?.RequestId;

    /// <summary>Which dialect and model produced <see cref="Reasoning"/>; used to decide whether it may be replayed.</summary>
    public ReasoningOrigin? ReasoningOrigin { get; }

    /// <summary>
    /// <see langword="true"/> when the result is partial: the stream ended without its <c>[DONE]</c> marker, or this is the
    /// partial result carried by an exception.
    /// </summary>
    public bool IsIncomplete { get; }

    /// <summary>Every try it took (retries and failovers): provider, status, duration and what happened.</summary>
    public IReadOnlyList<KimiAttempt> Attempts { get; internal set; } = [];

    /// <summary>What was repaired or left as it came in the model's output (empty when nothing was); each is also logged.</summary>
    public IReadOnlyList<ChatCompletionWarning> Warnings { get; internal set; } = [];

    /// <summary>
    /// Whether <see cref="ToolCalls"/> were parsed from a tool-call section the host wrote as text (a server without
    /// <c>--tool-call-parser kimi_k2</c>; see <see cref="KimiProvider.RecoverToolCallsFromText"/>). <see cref="FinishReason"/>
    /// stays as the host sent it (usually <c>stop</c>).
    /// </summary>
    public bool ToolCallsRecoveredFromText { get; internal set; }

    /// <summary>
    /// Whether the model produced neither text nor tool calls. Open-source engines sometimes end a tool follow-up like this
    /// (reasoning only); a warning is logged when it happens without the output cap being reached.
    /// </summary>
    public bool IsEmpty => Text.Length == 0 && ToolCalls.Count == 0;

    /// <summary>This completion as an assistant message for the next turn (see <see cref="KimiMessage.Assistant(ChatCompletion)"/>).</summary>
    /// <returns>The message.</returns>
    public KimiMessage ToMessage() => KimiMessage.Assistant(this);

    /// <inheritdoc/>
    public override string ToString() => Text;
}
