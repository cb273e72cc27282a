namespace Kimi.Client;

/// <summary>
/// One streamed chunk of a completion: a piece of reasoning or text, tool-call fragments, the finish reason or usage.
/// Fold updates into a <see cref="ChatCompletion"/> with <see cref="ChatCompletionAccumulator"/>.
/// </summary>
public sealed class ChatCompletionUpdate
{
    // Per-stream facts (id, model, created, response) live in one shared object so each chunk stays small.
    private readonly StreamMetadata _metadata;

    internal ChatCompletionUpdate(
        StreamMetadata metadata,
        string? reasoningDelta,
        string? contentDelta,
        IReadOnlyList<ToolCallUpdate>? toolCalls,
        string? finishReason,
        TokenUsage? usage,
        bool usageIsTopLevel)
    {
        _metadata = metadata;
        ReasoningDelta = reasoningDelta;
        ContentDelta = contentDelta;
        ToolCallUpdates = toolCalls ?? [];
        RawFinishReason = finishReason;
        Usage = usage;
        UsageIsTopLevel = usageIsTopLevel;
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
    public string? ReasoningDelta { get; }

    /// <summary>The next piece of the visible answer, or <see langword="null"/>.</summary>
    public string? ContentDelta { get; }

    /// <summary>Tool-call fragments in this chunk (empty when none).</summary>
    public IReadOnlyList<ToolCallUpdate> ToolCallUpdates { get; }

    /// <summary>Why the model stopped, on the chunk that says so; otherwise <see langword="null"/>.</summary>
    public FinishReason? FinishReason => RawFinishReason is null ? null : Kimi.Client.FinishReason.FromWire(RawFinishReason);

    /// <summary>Token usage so far (cumulative, never a delta), on the chunks that carry it.</summary>
    public TokenUsage? Usage { get; }

    internal string? RawFinishReason { get; }

    internal bool UsageIsTopLevel { get; }

    internal StreamMetadata Metadata => _metadata;

    /// <inheritdoc/>
    public override string ToString() => ContentDelta ?? ReasoningDelta ?? RawFinishReason ?? string.Empty;
}

/// <summary>Facts shared by every update of one stream.</summary>
internal sealed class StreamMetadata(string? id, string? model, DateTimeOffset? created, KimiResponseInfo? response, ReasoningOrigin? origin)
{
    public string? Id { get; } = id;
    public string? Model { get; } = model;
    public DateTimeOffset? Created { get; } = created;
    public KimiResponseInfo? Response { get; } = response;
    public ReasoningOrigin? Origin { get; } = origin;
}
