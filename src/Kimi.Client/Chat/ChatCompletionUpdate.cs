using System.Text.Json;

namespace Kimi.Client;

/// <summary>
/// One streamed chunk of a completion: a piece of reasoning or text, tool-call fragments, the finish reason or usage.
/// Fold updates into a <see cref="ChatCompletion"/> with <see cref="ChatCompletionAccumulator"/>.
/// </summary>
public sealed class ChatCompletionUpdate
{
    // Two references (32 bytes), since an update is made for every chunk: _delta is the content, or the reasoning when _rest
    // is a ReasoningOnly, or a tool call's arguments piece when _rest is a ToolArgumentsTag or an ArgumentsOnlyList. _rest
    // says what else the chunk carries and always reaches the per-stream facts (id, model, created, response), shared by
    // every update of the stream: the StreamMetadata itself (a content delta or nothing), the stream's ReasoningOnly tag,
    // the stream's tag for one call's bare arguments pieces (nearly every tool-call chunk: no fragment object until one is
    // asked for), a ToolCallList (tool-call fragments and at most content), or a Tail (anything rarer). _rest changes once
    // at most, from a ToolArgumentsTag to the ArgumentsOnlyList made when ToolCallUpdates is first read; both read _delta alike.
    private readonly string? _delta;
    private object _rest;

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
        if (finishReason is null && usage is null && !usageIsTopLevel && nativeFinishReason is null && reasoningDetails is null && additionalProperties is null)
        {
            var noCalls = toolCalls is null or { Count: 0 };
            if (reasoningDelta is null)
            {
                _delta = contentDelta;
                _rest = noCalls ? metadata : ToolCallList.For(toolCalls!, metadata);
                return;
            }

            if (contentDelta is null && noCalls)
            {
                _delta = reasoningDelta;
                _rest = metadata.ReasoningOnly;
                return;
            }
        }

        _delta = contentDelta;
        _rest = new Tail(metadata, reasoningDelta, toolCalls ?? [], finishReason, usage, usageIsTopLevel)
        {
            NativeFinishReason = nativeFinishReason,
            ReasoningDetails = reasoningDetails,
            AdditionalProperties = additionalProperties,
        };
    }

    /// <summary>An update that turns the reasoning streamed so far into text (see <see cref="ReasoningReclassifiedAsText"/>).</summary>
    internal static ChatCompletionUpdate ReclassifiedAsText(StreamMetadata metadata, string text) =>
        new(text, new Tail(metadata, null, [], null, null, usageIsTopLevel: false) { ReclassifiesReasoning = true });

    private ChatCompletionUpdate(string? contentDelta, Tail tail)
    {
        _delta = contentDelta;
        _rest = tail;
    }

    private ChatCompletionUpdate(string argumentsDelta, ToolArgumentsTag tag)
    {
        _delta = argumentsDelta;
        _rest = tag;
    }

    /// <summary>
    /// An update that carries one tool call's next arguments piece and nothing else (no id, name or type): what nearly every
    /// chunk of a streamed tool call is. Costs no more than a text delta; its <see cref="ToolCallUpdate"/> is made when asked for.
    /// </summary>
    internal static ChatCompletionUpdate ToolArguments(StreamMetadata metadata, int index, bool indexWasExplicit, string argumentsDelta) =>
        new(argumentsDelta, metadata.ArgumentsTag(index, indexWasExplicit));

    private StreamMetadata SharedMetadata => _rest as StreamMetadata ?? ((UpdatePart)_rest).Metadata;

    /// <summary>The provider's completion id.</summary>
    public string? Id => SharedMetadata.Id;

    /// <summary>The model that answers, as the provider reported it.</summary>
    public string? Model => SharedMetadata.Model;

    /// <summary>When the provider created the completion.</summary>
    public DateTimeOffset? Created => SharedMetadata.Created;

    /// <summary>The HTTP response's status, headers and request id (the same object on every update of a stream).</summary>
    public KimiResponseInfo? Response => SharedMetadata.Response;

    /// <summary>The next piece of reasoning, or <see langword="null"/>. May be <c>""</c>.</summary>
    public string? ReasoningDelta => _rest is ReasoningOnlyTag ? _delta : (_rest as Tail)?.Reasoning;

    /// <summary>The next piece of the visible answer, or <see langword="null"/>.</summary>
    public string? ContentDelta => _rest is ReasoningOnlyTag or ToolArgumentsTag or ArgumentsOnlyList ? null : _delta;

    /// <summary>Tool-call fragments in this chunk (empty when none).</summary>
    public IReadOnlyList<ToolCallUpdate> ToolCallUpdates => _rest switch
    {
        ToolCallList calls => calls,
        ToolArgumentsTag tag => MakeArgumentsFragment(tag),
        Tail tail => tail.ToolCalls,
        _ => [],
    };

    /// <summary>Whether this chunk carries tool-call fragments (without making the fragment of a bare arguments piece).</summary>
    internal bool HasToolCalls => _rest switch
    {
        ToolCallList or ToolArgumentsTag => true,
        Tail tail => tail.ToolCalls.Count > 0,
        _ => false,
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

    internal StreamMetadata Metadata => SharedMetadata;

    /// <summary>
    /// The delta of an update that carries nothing else (a plain text or reasoning chunk, nearly every one), and whether it is
    /// reasoning; <see langword="null"/> for any other update. Lets the accumulator skip the fields such an update cannot have.
    /// </summary>
    internal string? PlainDelta(out bool isReasoning)
    {
        isReasoning = _rest is ReasoningOnlyTag;
        return isReasoning || _rest is StreamMetadata ? _delta : null;
    }

    /// <summary>
    /// The arguments piece of an update that carries one bare piece and nothing else, with its call's index; <see langword="null"/>
    /// for any other update. Lets the accumulator fold the piece without making its <see cref="ToolCallUpdate"/>.
    /// </summary>
    internal string? BareArguments(out int index, out bool indexWasExplicit)
    {
        if (_rest is ToolArgumentsTag tag)
        {
            index = tag.Index;
            indexWasExplicit = tag.IndexWasExplicit;
            return _delta;
        }

        index = 0;
        indexWasExplicit = false;
        return null;
    }

    // Made once per update, on the first read: every later read (from any thread) gets the same list and fragment.
    private ArgumentsOnlyList MakeArgumentsFragment(ToolArgumentsTag tag)
    {
        var fragment = ToolCallUpdate.ArgumentsOnly(tag.Index, tag.IndexWasExplicit, _delta);
        var made = new ArgumentsOnlyList(fragment, tag.Metadata);
        return Interlocked.CompareExchange(ref _rest, made, tag) is ArgumentsOnlyList earlier ? earlier : made;
    }

    /// <inheritdoc/>
    public override string ToString() => ContentDelta ?? ReasoningDelta ?? RawFinishReason ?? string.Empty;

    /// <summary>What a chunk rarely carries: reasoning next to content, tool calls next to more, finish reason, usage.</summary>
    private sealed class Tail(StreamMetadata metadata, string? reasoning, IReadOnlyList<ToolCallUpdate> toolCalls, string? finishReason, TokenUsage? usage, bool usageIsTopLevel)
        : UpdatePart(metadata)
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

/// <summary>What an update's second reference holds besides the content, always with the stream's shared facts.</summary>
internal abstract class UpdatePart(StreamMetadata? metadata)
{
    // Settable for ToolCallList only: the parser reads a chunk's calls before it knows which stream facts they share.
    public StreamMetadata Metadata { get; private protected set; } = metadata!;
}

/// <summary>Marks an update whose delta is reasoning; one per stream (<see cref="StreamMetadata.ReasoningOnly"/>).</summary>
internal sealed class ReasoningOnlyTag(StreamMetadata metadata) : UpdatePart(metadata);

/// <summary>Marks an update whose delta is a bare arguments piece of the call at <see cref="Index"/>; shared by the pieces of a call (<see cref="StreamMetadata.ArgumentsTag"/>).</summary>
internal sealed class ToolArgumentsTag(StreamMetadata metadata, int index, bool indexWasExplicit) : UpdatePart(metadata)
{
    public int Index { get; } = index;

    public bool IndexWasExplicit { get; } = indexWasExplicit;
}

/// <summary>Facts shared by every update of one stream.</summary>
internal sealed class StreamMetadata(string? id, string? model, DateTimeOffset? created, KimiResponseInfo? response, ReasoningOrigin? origin, string? upstream = null)
{
    private ReasoningOnlyTag? _reasoningOnly;
    private ToolArgumentsTag? _argumentsTag;

    public string? Id { get; } = id;
    public string? Model { get; } = model;
    public DateTimeOffset? Created { get; } = created;
    public KimiResponseInfo? Response { get; } = response;
    public ReasoningOrigin? Origin { get; } = origin;

    /// <summary>The upstream a router sent the call to (OpenRouter's top-level <c>provider</c>).</summary>
    public string? Upstream { get; } = upstream;

    /// <summary>The tag of this stream's reasoning-only updates (made once, on the first).</summary>
    public ReasoningOnlyTag ReasoningOnly => _reasoningOnly ??= new ReasoningOnlyTag(this);

    /// <summary>
    /// The tag of this stream's bare arguments pieces for the call at <paramref name="index"/>: the last one made while its call
    /// goes on, so one per call where calls stream one after another (every host does; interleaved calls get one per switch).
    /// </summary>
    public ToolArgumentsTag ArgumentsTag(int index, bool indexWasExplicit) =>
        _argumentsTag is { } tag && tag.Index == index && tag.IndexWasExplicit == indexWasExplicit
            ? tag
            : _argumentsTag = new ToolArgumentsTag(this, index, indexWasExplicit);
}
