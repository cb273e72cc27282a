namespace Kimi.Client.Serialization;

/// <summary>
/// The result of parsing one event. One reference, because the SSE parser's items carry it by value and copy it several
/// times an event: an update is the reference itself; anything else (done, skip, an error, an unreadable event) is a small
/// object made only for it. (Six fields here made each of those copies a bulk move with write barriers, on every chunk.)
/// </summary>
internal readonly struct ParsedEvent
{
    private readonly object? _value; // a ChatCompletionUpdate, an Other, or (a whole answer read straight through) a ChatCompletion

    private ParsedEvent(object value) => _value = value;

    /// <summary>The <c>[DONE]</c> sentinel.</summary>
    public static ParsedEvent Done { get; } = new(new Other(ParsedKind.Done));

    /// <summary>An event that carries nothing for the caller (empty data, a bare keep-alive, a metadata-only chunk).</summary>
    public static ParsedEvent Skip { get; } = new(new Other(ParsedKind.Skip));

    /// <summary>What the event is (<see cref="ParsedKind.Skip"/> for <see langword="default"/>).</summary>
    public ParsedKind Kind => _value switch
    {
        ChatCompletionUpdate => ParsedKind.Update,
        Other other => other.Kind,
        ChatCompletion => ParsedKind.Completion,
        _ => ParsedKind.Skip,
    };

    /// <summary>A whole answer's completion (<see cref="ParsedKind.Completion"/>).</summary>
    public ChatCompletion? Completion => _value as ChatCompletion;

    /// <summary>The update (<see cref="ParsedKind.Update"/>), or what an error event still carried (<see cref="ParsedKind.Error"/>).</summary>
    public ChatCompletionUpdate? Update => _value as ChatCompletionUpdate ?? (_value as Other)?.Update;

    /// <summary>The provider's error (<see cref="ParsedKind.Error"/>).</summary>
    public KimiProviderError? Error => (_value as Other)?.Error;

    /// <summary>Why the event cannot be read (<see cref="ParsedKind.Invalid"/>).</summary>
    public string? Problem => (_value as Other)?.Problem;

    /// <summary>The chunk's <c>id</c> when it was read before the problem was found (<see cref="ParsedKind.Invalid"/>).</summary>
    public string? ChunkId => (_value as Other)?.ChunkId;

    /// <summary>
    /// The start of the raw payload (at most <see cref="ChunkParser.PayloadCaptureLength"/> characters, not yet scrubbed), kept
    /// only for an invalid streamed event so the error can quote it.
    /// </summary>
    public string? Payload => (_value as Other)?.Payload;

    /// <summary>An update.</summary>
    public static ParsedEvent Of(ChatCompletionUpdate update) => new(update);

    /// <summary>A whole answer read straight into its completion.</summary>
    public static ParsedEvent Of(ChatCompletion completion) => new(completion);

    /// <summary>A provider error, with what its chunk still carried.</summary>
    public static ParsedEvent Failed(KimiProviderError error, ChatCompletionUpdate? partial = null) => new(new Other(ParsedKind.Error) { Update = partial, Error = error });

    /// <summary>An event that cannot be read, and why.</summary>
    public static ParsedEvent Invalid(string problem, string? chunkId = null) => new(new Other(ParsedKind.Invalid) { Problem = problem, ChunkId = chunkId });

    /// <summary>This invalid event with the start of its payload, for the error to quote.</summary>
    public ParsedEvent WithPayload(string payload) => new(new Other(ParsedKind.Invalid) { Problem = Problem, ChunkId = ChunkId, Payload = payload });

    private sealed class Other(ParsedKind kind)
    {
        public ParsedKind Kind { get; } = kind;

        public ChatCompletionUpdate? Update { get; init; }

        public KimiProviderError? Error { get; init; }

        public string? Problem { get; init; }

        public string? ChunkId { get; init; }

        public string? Payload { get; init; }
    }
}
