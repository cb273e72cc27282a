using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Kimi.Client;

/// <summary>
/// Folds streamed <see cref="ChatCompletionUpdate"/>s into a <see cref="ChatCompletion"/>: text and reasoning
/// concatenated, tool-call fragments assembled by index (pieces gathered in a pooled buffer and copied once at the end),
/// usage counted once (top-level usage wins over the choice's; the last value wins).
/// </summary>
/// <remarks>Not thread-safe: append from one enumeration.</remarks>
public sealed class ChatCompletionAccumulator
{
    private TextBuilder _text;
    private TextBuilder _reasoning;
    private bool _hasReasoning;
    private List<ToolCallBuilder>? _calls;
    private StreamMetadata? _metadata;
    private string? _finishReason;
    private string? _nativeFinishReason;
    private ReasoningDetailsBuilder? _details;
    private TokenUsage? _usage;
    private bool _usageIsTopLevel;
    private Dictionary<string, JsonElement>? _additional;

    /// <summary>Whether a finish reason has been seen.</summary>
    public bool HasFinishReason => _finishReason is not null;

    /// <summary>Whether anything (text, reasoning, tool calls or usage) has been received.</summary>
    public bool HasContent => _text.Length > 0 || _hasReasoning || _calls is not null || _usage is not null;

    /// <summary>Adds one update.</summary>
    /// <param name="update">The next update of the stream.</param>
    public void Append(ChatCompletionUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        _metadata = update.Metadata;

        // Nearly every chunk is one text or reasoning delta and nothing else: append it without asking for what it cannot have.
        if (update.PlainDelta(out var isReasoning) is { } plain)
        {
            if (isReasoning)
            {
                _reasoning.Append(plain);
                _hasReasoning = true; // "" still marks reasoning as present (conformance 3)
            }
            else
            {
                _text.Append(plain);
            }

            return;
        }

        // Nearly every chunk of a streamed tool call is the next piece of its arguments and nothing else.
        if (update.BareArguments(out var index, out var indexWasExplicit) is { } arguments)
        {
            AppendToolCall(index, indexWasExplicit, null, null, arguments, null);
            return;
        }

        if (update.ReasoningReclassifiedAsText)
        {
            DropReasoning(); // the content that follows is the whole text, reasoning included
        }

        if (update.ContentDelta is { } content)
        {
            _text.Append(content);
        }

        if (update.ReasoningDelta is { } reasoning)
        {
            _reasoning.Append(reasoning);
            _hasReasoning = true; // "" still marks reasoning as present (conformance 3)
        }

        var toolCalls = update.ToolCallUpdates;
        for (var i = 0; i < toolCalls.Count; i++)
        {
            var call = toolCalls[i];
            AppendToolCall(call.Index, call.IndexWasExplicit, call.Id, call.Name, call.ArgumentsDelta, call.Type);
        }

        if (update.RawFinishReason is { } finish)
        {
            _finishReason = finish;
        }

        if (update.NativeFinishReason is { } native)
        {
            _nativeFinishReason = native;
        }

        if (update.AdditionalProperties is { } additional)
        {
            _additional ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (key, value) in additional)
            {
                _additional[key] = value; // the last chunk's value of a field wins
            }
        }

        if (update.ReasoningDetails is { } details)
        {
            (_details ??= new ReasoningDetailsBuilder()).Append(details);
        }

        if (update.Usage is { } usage && (update.UsageIsTopLevel || !_usageIsTopLevel))
        {
            _usage = _usage is null ? usage : Merge(_usage, usage);
            _usageIsTopLevel |= update.UsageIsTopLevel;
        }
    }

    /// <summary>
    /// The later usage wins, except that a detail it lost does not erase one already known for the same counts: a gateway
    /// that appends a copy of the usage (Cloudflare) may zero or drop <c>cached_tokens</c> in it (conformance 39g).
    /// </summary>
    private static TokenUsage Merge(TokenUsage earlier, TokenUsage later)
    {
        var keepCached = earlier.CachedInputTokens > 0 && later.CachedInputTokens is null or 0 && later.InputTokens == earlier.InputTokens;
        var keepReasoning = earlier.ReasoningTokens is not null && later.ReasoningTokens is null && later.OutputTokens == earlier.OutputTokens;
        return keepCached || keepReasoning
            ? new TokenUsage(later.InputTokens, later.OutputTokens, later.TotalTokens,
                keepCached ? earlier.CachedInputTokens : later.CachedInputTokens, keepReasoning ? earlier.ReasoningTokens : later.ReasoningTokens)
            : later;
    }

    /// <summary>Ends the completion with <paramref name="finishReason"/> unless a finish reason already arrived (a stream that failed mid-way).</summary>
    internal void EndWith(string finishReason) => _finishReason ??= finishReason;

    /// <summary>The completion assembled so far, as a finished result.</summary>
    /// <returns>The completion.</returns>
    public ChatCompletion ToCompletion() => Build(isIncomplete: false);

    /// <summary>The completion assembled so far, flagged <see cref="ChatCompletion.IsIncomplete"/> (for a stream that failed or was cut).</summary>
    /// <returns>The partial completion.</returns>
    public ChatCompletion ToPartialCompletion() => Build(isIncomplete: true);

    internal ChatCompletion Build(bool isIncomplete)
    {
        var metadata = _metadata;
        IReadOnlyList<ToolCall> calls = [];
        if (_calls is { Count: > 0 })
        {
            var ordered = _calls.ToArray(); // _calls stays in arrival order: index-less fragments look up the latest call
            Array.Sort(ordered, static (a, b) => a.Index.CompareTo(b.Index));
            var built = new ToolCall[ordered.Length];
            for (var i = 0; i < built.Length; i++)
            {
                built[i] = ordered[i].Build();
            }

            calls = built;
        }

        return Create(
            metadata, _text.Build(), _hasReasoning ? _reasoning.Build() : null, calls, _finishReason, _nativeFinishReason, _usage, _details?.Build(), _additional, isIncomplete);
    }

    /// <summary>The one mapping of what was received to a completion, for the accumulator and for a whole answer alike.</summary>
    private static ChatCompletion Create(
        StreamMetadata? metadata, string text, string? reasoning, IReadOnlyList<ToolCall> calls, string? finishReason, string? nativeFinishReason,
        TokenUsage? usage, JsonElement? details, IReadOnlyDictionary<string, JsonElement>? additional, bool isIncomplete) => Create(
            metadata?.Id, metadata?.Model, metadata?.Created, metadata?.Response, metadata?.Origin, metadata?.Upstream, text, reasoning, calls, finishReason,
            nativeFinishReason, usage, details, additional is null ? null : new Dictionary<string, JsonElement>(additional, StringComparer.Ordinal), isIncomplete);

    private static ChatCompletion Create(
        string? id, string? model, DateTimeOffset? created, KimiResponseInfo? response, ReasoningOrigin? origin, string? upstream, string text, string? reasoning,
        IReadOnlyList<ToolCall> calls, string? finishReason, string? nativeFinishReason, TokenUsage? usage, JsonElement? details,
        IReadOnlyDictionary<string, JsonElement>? additional, bool isIncomplete) => new(
            id ?? response?.CompletionId, // OpenRouter: the X-Generation-Id header when the body has no id
            model,
            created,
            text,
            reasoning,
            calls,
            finishReason is null ? null : FinishReason.FromWire(finishReason),
            usage,
            response,
            reasoning is not null || details is not null ? origin : null,
            isIncomplete)
        {
            NativeFinishReason = nativeFinishReason,
            UpstreamProvider = upstream,
            ReasoningDetails = details,
            AdditionalProperties = additional,
        };

    /// <summary>
    /// A whole (non-streamed) answer's one update as a completion: what <see cref="Append"/> then <see cref="ToCompletion"/>
    /// make of it, without the accumulator where they would only copy it over. Tool calls and reasoning details take the
    /// accumulator (their assembly rules live there only).
    /// </summary>
    internal static ChatCompletion FromWhole(ChatCompletionUpdate update)
    {
        // ChunkParser.ParseObject reads the other cases of a non-streamed answer straight into FromWholeFields (keep the two in step).
        if (update.HasToolCalls || update.ReasoningDetails is not null || update.ReasoningReclassifiedAsText)
        {
            var accumulator = new ChatCompletionAccumulator();
            accumulator.Append(update);
            return accumulator.ToCompletion();
        }

        // "" is reasoning too (conformance 3).
        return Create(
            update.Metadata, update.ContentDelta ?? string.Empty, update.ReasoningDelta, [], update.RawFinishReason, update.NativeFinishReason, update.Usage,
            details: null, update.AdditionalProperties, isIncomplete: false);
    }

    /// <summary>
    /// A whole answer without tool calls or reasoning details, read by the parser straight into its completion (no update, no
    /// stream facts in between): what <see cref="FromWhole"/> makes of the same fields. <paramref name="additional"/> is
    /// taken as it is (the parser made it for this answer).
    /// </summary>
    internal static ChatCompletion FromWholeFields(
        string? id, string? model, DateTimeOffset? created, KimiResponseInfo? response, ReasoningOrigin origin, string? upstream, string? content, string? reasoning,
        string? finishReason, string? nativeFinishReason, TokenUsage? usage, Dictionary<string, JsonElement>? additional) => Create(
            id, model, created, response, origin, upstream, content ?? string.Empty, reasoning, [], finishReason, nativeFinishReason, usage, details: null, additional,
            isIncomplete: false);

    /// <summary>The reasoning appended so far, or <see langword="null"/> when none was (read by the inline-reasoning splitter).</summary>
    internal string? BuildReasoning() => _hasReasoning ? _reasoning.Build() : null;

    private void DropReasoning()
    {
        _reasoning.Build(); // returns a pooled buffer, if any
        _reasoning = default;
        _hasReasoning = false;
    }

    // A fragment's fields (index, whether the provider sent it, id, name, arguments piece, type), as a ToolCallUpdate has them.
    private void AppendToolCall(int updateIndex, bool indexWasExplicit, string? id, string? name, string? argumentsDelta, string? type)
    {
        _calls ??= new List<ToolCallBuilder>(1); // most turns make one call
        ToolCallBuilder? builder = null;
        if (indexWasExplicit)
        {
            // The latest call started at this explicit index, else the call holding it (an index-less start, conformance 20).
            for (var i = _calls.Count - 1; i >= 0 && builder is null; i--)
            {
                if (_calls[i].StartedExplicitly && _calls[i].Position == updateIndex)
                {
                    builder = _calls[i];
                }
            }

            foreach (var candidate in _calls)
            {
                if (builder is null && candidate.Index == updateIndex)
                {
                    builder = candidate;
                }
            }
        }
        else
        {
            // An index-less fragment continues the latest call started at its array position (conformance 21): with calls
            // streamed one per chunk, position 0 is the current call, not the first one.
            for (var i = _calls.Count - 1; i >= 0; i--)
            {
                if (_calls[i].Position == updateIndex)
                {
                    builder = _calls[i];
                    break;
                }
            }
        }

        // A fragment with a new id at a taken position or index starts a new call: calls streamed one per chunk without an
        // index, and Ollama's parallel calls that all carry index 0 (conformance 38h).
        if (builder is not null && id is not null && builder.Id is not null && id != builder.Id)
        {
            builder = null;
        }

        if (builder is null)
        {
            // A call takes its index (or position) unless an earlier call already holds it; then the next free one.
            var index = NextFreeIndex(updateIndex);
            builder = new ToolCallBuilder(index, updateIndex, indexWasExplicit);
            _calls.Add(builder);
        }

        builder.Append(id, name, argumentsDelta, type);
    }

    private int NextFreeIndex(int preferred)
    {
        var taken = false;
        var next = 0;
        foreach (var candidate in _calls!)
        {
            taken |= candidate.Index == preferred;
            next = Math.Max(next, candidate.Index + 1);
        }

        return taken ? next : preferred;
    }

    private sealed class ToolCallBuilder(int index, int position, bool startedExplicitly)
    {
        private TextBuilder _arguments;
        private string? _name;
        private string? _type;

        public int Index { get; } = index;

        /// <summary>The array position (or explicit index) of the fragment that started the call.</summary>
        public int Position { get; } = position;

        /// <summary>Whether the fragment that started the call had an explicit index.</summary>
        public bool StartedExplicitly { get; } = startedExplicitly;

        public string? Id { get; private set; }

        public void Append(string? id, string? name, string? argumentsDelta, string? type)
        {
            if (id is { Length: > 0 } && Id is null)
            {
                Id = id;
            }

            if (name is { Length: > 0 } && name != _name)
            {
                _name = _name is null ? name : _name + name; // names may be split across chunks
            }

            if (argumentsDelta is not null)
            {
                _arguments.Append(argumentsDelta);
            }

            _type ??= type;
        }

        public ToolCall Build()
        {
            var arguments = _arguments.Build();
            return new ToolCall(Id ?? $"call_{Index}", _name ?? "unknown_function", arguments, ValidateArguments(arguments)) { Type = _type ?? "function" };
        }

        // Conformance 23: checked once at the end; invalid JSON is reported on the call, never thrown mid-stream.
        private static string? ValidateArguments(string arguments)
        {
            if (arguments.Length == 0)
            {
                return null; // a function without parameters
            }

            var utf8 = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(arguments.Length));
            try
            {
                var reader = new Utf8JsonReader(utf8.AsSpan(0, Encoding.UTF8.GetBytes(arguments, utf8)));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return "The arguments are not a JSON object.";
                }

                reader.Skip();
                return reader.Read() ? "The arguments have text after the JSON object." : null;
            }
            catch (JsonException ex)
            {
                return $"The arguments are not valid JSON: {ex.Message}";
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(utf8);
            }
        }
    }
}
