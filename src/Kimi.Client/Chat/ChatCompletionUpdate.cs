using System.Text.Json;

namespace Kimi.Client;

/// <summary>
/// One streamed chunk of a completion: a piece of reasoning or text, tool-call fragments, the finish reason or usage.
/// Fold updates into a <see cref="ChatCompletion"/> with <see cref="ChatCompletionAccumulator"/>.
/// </summary>
public sealed class ChatCompletionUpdate
{
    // Per-stream facts (id, model, created, response) live in one shared object so each chunk stays small.
    private readonly StreamMetadata _metadata;

    // A plain delta is three references (40 bytes): _delta is the content, or the reasoning when _rest is
    // ReasoningOnly. _rest holds whatever else the chunk carries: null (a content delta or nothing), ReasoningOnly,
    // a ToolCallUpdate[] (tool-call fragments and at most content), or a Tail (anything rarer).
    private static readonly object ReasoningOnly = new();
    private readonly string? _delta;
    private readonly object? _rest;

    internal ChatCompletionUpdate(
        StreamMetadata metadata,
        string? reasoningDelta,
        string? contentDelta,
        IReadOnlyList<ToolCallUpdate>? toolCalls,
        string? finishReason,
        TokenUsage? usage,
        bool usageIsTopLevel,
        string? nativeFinishReason = null,
        JsonElement? reasoningDetails = null,
        IReadOnlyDictionary<string, JsonElement>? additionalProperties = null)
    {
        _metadata = metadata;
        if (finishReason is null && usage is null && !usageIsTopLevel && nativeFinishReason is null && reasoningDetails is null && additionalProperties is null)
        {
            var noCalls = toolCalls is null or { Count: 0 };
            if (reasoningDelta is null && (noCalls || toolCalls is ToolCallUpdate[]))
            {
                _delta = contentDelta;
                _rest = noCalls ? null : toolCalls;
                return;
            }

            if (contentDelta is null && noCalls)
            {
                _delta = reasoningDelta;
                _rest = ReasoningOnly;
                return;
            }
        }

        _delta = contentDelta;
        _rest = new Tail(reasoningDelta, toolCalls ?? [], finishReason, usage, usageIsTopLevel)
        {
            NativeFinishReason = nativeFinishReason,
            ReasoningDetails = reasoningDetails,
            AdditionalProperties = additionalProperties,
        };
    }

    /// <summary>An update that turns the reasoning streamed so far into text (see <see cref="ReasoningReclassifiedAsText"/>).</summary>
    internal static ChatCompletionUpdate ReclassifiedAsText(StreamMetadata metadata, string text) =>
        new(metadata, text, new Tail(null, [], null, null, usageIsTopLevel: false) { ReclassifiesReasoning = true });

    private ChatCompletionUpdate(StreamMetadata metadata, string? contentDelta, Tail tail)
    {
        _metadata = metadata;
        _delta = contentDelta;
        _rest = tail;
    }

    /// <summary>The provider's completion id.</summary>
    public string? Id => _metadata.Id;

    /// <summary>The model that answers, as the provider reported it.</summary>
    public string? Model => _metadata.Model;

    /// <summary>When the provider created the completion.</summary>
    public DateTimeOffset? Created => _metadata.Created;

    /// <summary>The HTTP response's status, headers and request id (the same object on every update of a stream).</summary>
    public KimiResponseInfo? Response => _metadata.Response;

    /// <summary>The next piece of reasoning, or <see langword="null"/>. May be <c>""</c>.</summary>
    public string? ReasoningDelta => ReferenceEquals(_rest, ReasoningOnly) ? _delta : (_rest as Tail)?.Reasoning;

    /// <summary>The next piece of the visible answer, or <see langword="null"/>.</summary>
    public string? ContentDelta => ReferenceEquals(_rest, ReasoningOnly) ? null : _delta;

    /// <summary>Tool-call fragments in this chunk (empty when none).</summary>
    public IReadOnlyList<ToolCallUpdate> ToolCallUpdates => _rest switch
    {
        ToolCallUpdate[] calls => calls,
        Tail tail => tail.ToolCalls,
        _ => [],
    };

    /// <summary>
    /// Whether every reasoning delta before this one was not reasoning after all and must be shown as text instead:
    /// <see cref="ContentDelta"/> then holds the whole text. Sent once, last, when a host without a reasoning parser
    /// ended the response before <c>&lt;/think&gt;</c> (see <see cref="KimiProvider.InlineReasoning"/>);
    /// <see cref="ChatCompletionAccumulator"/> applies it.
    /// </summary>
    public bool ReasoningReclassifiedAsText => _rest is Tail { ReclassifiesReasoning: true };

    /// <summary>Why the model stopped, on the chunk that says so; otherwise <see langword="null"/>.</summary>
    public FinishReason? FinishReason => RawFinishReason is null ? null : Kimi.Client.FinishReason.FromWire(RawFinishReason);

    /// <summary>Token usage so far (cumulative, never a delta), on the chunks that carry it.</summary>
    public TokenUsage? Usage => (_rest as Tail)?.Usage;

    /// <summary>
    /// The finish reason as the model's own server sent it, where a router normalizes <see cref="FinishReason"/> (OpenRouter's
    /// <c>native_finish_reason</c>: <c>stop</c> beside a normalized <c>tool_calls</c>); otherwise <see langword="null"/>.
    /// </summary>
    public string? NativeFinishReason => (_rest as Tail)?.NativeFinishReason;

    /// <summary>
    /// The fields of this chunk that the SDK does not read, by path (<c>system_fingerprint</c>, <c>choices[0].logprobs</c>,
    /// <c>choices[0].delta.…</c>), null values left out; <see langword="null"/> when there are none or
    /// <see cref="KimiClientOptions.IncludeUnknownStreamFields"/> is off (the default).
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement>? AdditionalProperties => (_rest as Tail)?.AdditionalProperties;

    /// <summary>This chunk's structured reasoning items (OpenRouter's <c>reasoning_details</c> array), merged by the accumulator.</summary>
    internal JsonElement? ReasoningDetails => (_rest as Tail)?.ReasoningDetails;

    internal string? RawFinishReason => (_rest as Tail)?.FinishReason;

    internal bool UsageIsTopLevel => _rest is Tail { UsageIsTopLevel: true };

    internal StreamMetadata Metadata => _metadata;

    /// <inheritdoc/>
    public override string ToString() => ContentDelta ?? ReasoningDelta ?? RawFinishReason ?? string.Empty;

    /// <summary>What a chunk rarely carries: reasoning next to content, tool calls next to more, finish reason, usage.</summary>
    private sealed class Tail(string? reasoning, IReadOnlyList<ToolCallUpdate> toolCalls, string? finishReason, TokenUsage? usage, bool usageIsTopLevel)
    {
        public string? Reasoning { get; } = reasoning;

        public IReadOnlyList<ToolCallUpdate> ToolCalls { get; } = toolCalls;

        public string? FinishReason { get; } = finishReason;

        public TokenUsage? Usage { get; } = usage;

        public bool UsageIsTopLevel { get; } = usageIsTopLevel;

        public bool ReclassifiesReasoning { get; init; }

        public string? NativeFinishReason { get; init; }

        public JsonElement? ReasoningDetails { get; init; }

        public IReadOnlyDictionary<string, JsonElement>? AdditionalProperties { get; init; }
    }
}

/// <summary>Facts shared by every update of one stream.</summary>
internal sealed class StreamMetadata(string? id, string? model, DateTimeOffset? created, KimiResponseInfo? response, ReasoningOrigin? origin, string? upstream = null)
{
    public string? Id { get; } = id;
    public string? Model { get; } = model;
    public DateTimeOffset? Created { get; } = created;
    public KimiResponseInfo? Response { get; } = response;
    public ReasoningOrigin? Origin { get; } = origin;

    /// <summary>The upstream a router sent the call to (OpenRouter's top-level <c>provider</c>).</summary>
    public string? Upstream { get; } = upstream;
}
