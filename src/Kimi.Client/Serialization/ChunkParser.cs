using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Serialization;

/// <summary>What one SSE event (or a whole response body) turned out to be.</summary>
internal enum ParsedKind
{
    Update,
    Done,
    Error,
    Skip,
    Invalid,
}

/// <summary>The result of parsing one event.</summary>
/// <param name="Kind">What the event is.</param>
/// <param name="Update">The update (<see cref="ParsedKind.Update"/>).</param>
/// <param name="Error">The provider's error (<see cref="ParsedKind.Error"/>).</param>
/// <param name="Problem">Why the event cannot be read (<see cref="ParsedKind.Invalid"/>).</param>
/// <param name="ChunkId">The chunk's <c>id</c> when it was read before the problem was found (<see cref="ParsedKind.Invalid"/>).</param>
/// <param name="Payload">
/// The start of the raw payload (at most <see cref="ChunkParser.PayloadCaptureLength"/> characters, not yet scrubbed), kept
/// only for an invalid streamed event so the error can quote it.
/// </param>
internal readonly record struct ParsedEvent(
    ParsedKind Kind, ChatCompletionUpdate? Update = null, KimiProviderError? Error = null, string? Problem = null, string? ChunkId = null, string? Payload = null)
{
    public static ParsedEvent Done { get; } = new(ParsedKind.Done);

    public static ParsedEvent Skip { get; } = new(ParsedKind.Skip);
}

/// <summary>
/// Parses chat-completion JSON (a streamed chunk or a whole response) with a forward-only <see cref="Utf8JsonReader"/>:
/// no DOM, unknown fields skipped, both reasoning field names read, usage from the choice or the top level, and
/// per-stream facts (id, model) reused instead of re-allocated on every chunk. One instance per stream; not thread-safe.
/// </summary>
internal sealed class ChunkParser(KimiResponseInfo? response, ReasoningOrigin origin)
{
    /// <summary>How much of an invalid event's payload is kept for the error message (scrubbed and shortened there).</summary>
    internal const int PayloadCaptureLength = 2048;

    // 10^11 s is the year 5138: a larger "created" is a millisecond timestamp (some gateways send Date.now()).
    private const long MillisecondTimestampThreshold = 100_000_000_000;

    private StreamMetadata? _metadata;
    private List<ToolCallUpdate>? _toolCallScratch; // reused per chunk: each chunk gets an exact-size array
    private string? _finishReason; // the stream's finish reason so far: a repeat of it is not a second finish (conformance 39g)

    public StreamMetadata Metadata => _metadata ??= new StreamMetadata(null, null, null, response, origin);

    /// <summary>Parses one SSE data payload.</summary>
    public ParsedEvent ParseEvent(ReadOnlySpan<byte> data)
    {
        var trimmed = data.Trim(" \t\r\n"u8);
        if (trimmed.IsEmpty)
        {
            return ParsedEvent.Skip; // empty data: lines are tolerated (conformance 28)
        }

        if (trimmed.SequenceEqual("[DONE]"u8))
        {
            return ParsedEvent.Done;
        }

        var parsed = Parse(trimmed, isMessage: false);
        if (parsed.Kind == ParsedKind.Invalid)
        {
            // Rare path: keep the start of the payload so the stream error can quote it (conformance 22).
            var capture = trimmed.Length <= PayloadCaptureLength ? trimmed : trimmed[..PayloadCaptureLength];
            parsed = parsed with { Payload = Encoding.UTF8.GetString(capture) };
        }

        return parsed;
    }

    /// <summary>
    /// Parses a whole non-streamed response body. Unlike a streamed chunk (usage-only chunks have no choices), a whole
    /// response without <c>choices</c> and without an error is not a chat completion: it is <see cref="ParsedKind.Invalid"/>.
    /// </summary>
    public ParsedEvent ParseResponse(ReadOnlySpan<byte> body) => Parse(body.Trim(" \t\r\n"u8), isMessage: true);

    /// <summary>Parses a whole non-streamed body held in one or more buffers (a large body is never copied into one).</summary>
    public ParsedEvent ParseResponse(ReadOnlySequence<byte> body)
    {
        if (body.IsSingleSegment)
        {
            return ParseResponse(body.FirstSpan);
        }

        // Leading whitespace is tolerated (OpenRouter sends newlines while it works); the reader skips it too.
        var first = FirstNonWhitespace(body);
        if (first != (byte)'{')
        {
            return new ParsedEvent(ParsedKind.Invalid, Problem: first < 0 ? "it is empty" : "it is not a JSON object");
        }

        var reader = new Utf8JsonReader(body, ReaderOptions);
        return Parse(ref reader, isMessage: true);
    }

    private static int FirstNonWhitespace(ReadOnlySequence<byte> body)
    {
        foreach (var segment in body)
        {
            var span = segment.Span;
            var index = span.IndexOfAnyExcept(" \t\r\n"u8);
            if (index >= 0)
            {
                return span[index];
            }
        }

        return -1;
    }

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip };

    private ParsedEvent Parse(ReadOnlySpan<byte> json, bool isMessage)
    {
        if (json.IsEmpty || json[0] != (byte)'{')
        {
            return new ParsedEvent(ParsedKind.Invalid, Problem: json.IsEmpty && isMessage ? "it is empty" : "it is not a JSON object");
        }

        var reader = new Utf8JsonReader(json, ReaderOptions);
        return Parse(ref reader, isMessage);
    }

    private ParsedEvent Parse(ref Utf8JsonReader reader, bool isMessage)
    {
        try
        {
            return ParseObject(ref reader, isMessage);
        }
        catch (JsonException ex)
        {
            return new ParsedEvent(ParsedKind.Invalid, Problem: $"it is not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException ex)
        {
            return new ParsedEvent(ParsedKind.Invalid, Problem: $"a field has the wrong type ({ex.Message})");
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // Safety net: a value the parser could not represent must surface as a Kimi format error, never escape raw.
            return new ParsedEvent(ParsedKind.Invalid, Problem: $"a field is out of range ({ex.Message})");
        }
    }

    private ParsedEvent ParseObject(ref Utf8JsonReader reader, bool isMessage)
    {
        var start = reader; // a copy: the error path re-reads the object from here
        reader.Read(); // StartObject

        var metadata = Metadata;
        string? id = metadata.Id, model = metadata.Model;
        DateTimeOffset? created = metadata.Created;
        var changed = false;
        var hasError = false;
        var hasChoices = false;
        var choice = default(ChoiceData);
        TokenUsage? topUsage = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                hasChoices |= reader.TokenType == JsonTokenType.StartArray;
                ReadChoices(ref reader, ref choice, isMessage);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                changed |= ReadCached(ref reader, ref id);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                changed |= ReadCached(ref reader, ref model);
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var raw) && TryReadTimestamp(raw, out var timestamp) && created != timestamp)
                {
                    created = timestamp;
                    changed = true;
                }
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                // Old vLLM / SGLang flat error: {"object":"error","message":…,"type":…,"code":400} (conformance 29).
                reader.Read();
                hasError |= reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("error"u8);
                reader.Skip();
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                topUsage = ReadUsage(ref reader) ?? topUsage;
            }
            else if (reader.ValueTextEquals("errors"u8))
            {
                // {"success":false,"errors":[{"code":3040,…}]} (Cloudflare): an error when the list is not empty.
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    reader.Read();
                    hasError |= reader.TokenType != JsonTokenType.EndArray;
                    while (reader.TokenType != JsonTokenType.EndArray)
                    {
                        reader.Skip();
                        reader.Read();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("error"u8) || reader.ValueTextEquals("error_type"u8) || reader.ValueTextEquals("error_message"u8))
            {
                reader.Read();
                hasError |= reader.TokenType is not JsonTokenType.Null;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (hasError)
        {
            using var document = JsonDocument.ParseValue(ref start);
            return new ParsedEvent(ParsedKind.Error, Error: Errors.ProviderErrorParser.Parse(document.RootElement) ?? new KimiProviderError(null));
        }

        if (choice.Problem is not null)
        {
            return new ParsedEvent(ParsedKind.Invalid, Problem: choice.Problem, ChunkId: id);
        }

        if (isMessage && !hasChoices)
        {
            return new ParsedEvent(ParsedKind.Invalid, Problem: "it has no choices (and no error)", ChunkId: id);
        }

        if (changed)
        {
            metadata = _metadata = new StreamMetadata(id, model, created, response, origin);
        }

        if (choice.FinishReason is { } finish)
        {
            // Cloudflare appends a copy of the finish chunk (with its usage): one finish event, the usage still read.
            if (ReferenceEquals(finish, _finishReason) || finish == _finishReason)
            {
                choice.FinishReason = null;
            }

            _finishReason = finish;
        }

        var usage = topUsage ?? choice.Usage;
        var update = new ChatCompletionUpdate(
            metadata,
            choice.Reasoning,
            choice.Content,
            choice.ToolCalls,
            choice.FinishReason,
            usage,
            usageIsTopLevel: topUsage is not null);
        return new ParsedEvent(ParsedKind.Update, update);
    }

    /// <summary>
    /// Reads <c>created</c>: Unix seconds, or milliseconds when above 10^11. A value outside <see cref="DateTimeOffset"/>'s
    /// range is ignored (never thrown): a bad timestamp must not fail the call.
    /// </summary>
    internal static bool TryReadTimestamp(long raw, out DateTimeOffset value)
    {
        const long MinSeconds = -62_135_596_800; // 0001-01-01
        const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59
        if (raw > MillisecondTimestampThreshold)
        {
            if (raw <= MaxSeconds * 1000)
            {
                value = DateTimeOffset.FromUnixTimeMilliseconds(raw);
                return true;
            }
        }
        else if (raw >= MinSeconds)
        {
            value = DateTimeOffset.FromUnixTimeSeconds(raw);
            return true;
        }

        value = default;
        return false;
    }

    private static bool ReadCached(ref Utf8JsonReader reader, ref string? cached)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return false;
        }

        if (cached is not null && reader.ValueTextEquals(cached))
        {
            return false; // same id/model as the previous chunk: no new string
        }

        cached = reader.GetString();
        return true;
    }

    private void ReadChoices(ref Utf8JsonReader reader, ref ChoiceData choice, bool isMessage)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var seen = false;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject || seen)
            {
                reader.Skip(); // Kimi answers with one choice (n is pinned to 1); later choices are ignored
                continue;
            }

            seen = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(isMessage ? "message"u8 : "delta"u8) || reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    ReadDelta(ref reader, ref choice);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        choice.FinishReason = ReadFinishReason(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    choice.Usage = ReadUsage(ref reader) ?? choice.Usage; // Moonshot: usage inside the choice (conformance 14)
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }

    private static string ReadFinishReason(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("stop"u8))
        {
            return "stop";
        }

        if (reader.ValueTextEquals("length"u8))
        {
            return "length";
        }

        if (reader.ValueTextEquals("tool_calls"u8))
        {
            return "tool_calls";
        }

        return reader.GetString() ?? string.Empty;
    }

    private void ReadDelta(ref Utf8JsonReader reader, ref ChoiceData choice)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        string? reasoningContent = null, reasoning = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                choice.Content = ReadContent(ref reader) is { Length: > 0 } content ? content : null; // "content":"" beside reasoning is no text (38b)
            }
            else if (reader.ValueTextEquals("reasoning_content"u8))
            {
                reader.Read();
                reasoningContent = reader.TokenType == JsonTokenType.String ? reader.GetString() : SkipNull(ref reader);
            }
            else if (reader.ValueTextEquals("reasoning"u8))
            {
                reader.Read();
                reasoning = reader.TokenType == JsonTokenType.String ? reader.GetString() : SkipNull(ref reader);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                ReadToolCalls(ref reader, ref choice);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Some gateways send both names with the same text: use it once (conformance 5).
        choice.Reasoning = (reasoningContent, reasoning) switch
        {
            (null, _) => reasoning,
            (_, null) => reasoningContent,
            ({ Length: 0 }, _) => reasoning,
            _ => reasoningContent,
        };
    }

    private static string? SkipNull(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
    }

    private static string? ReadContent(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                // Content as parts: join the text parts.
                var sb = new StringBuilder();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isText = reader.ValueTextEquals("text"u8);
                        reader.Read();
                        if (isText && reader.TokenType == JsonTokenType.String)
                        {
                            sb.Append(reader.GetString());
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }

                return sb.ToString();
            default:
                reader.Skip();
                return null;
        }
    }

    private void ReadToolCalls(ref Utf8JsonReader reader, ref ChoiceData choice)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var calls = _toolCallScratch ??= [];
        calls.Clear();
        if (choice.ToolCalls is { } earlier)
        {
            calls.AddRange(earlier); // a second tool_calls key in the same delta adds to the first
        }

        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                position++;
                continue;
            }

            int? index = null;
            string? id = null, name = null, arguments = null, type = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i) && i >= 0)
                    {
                        index = i;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        // Conformance 22: a malformed index is an error, never a guess.
                        choice.Problem ??= $"tool_calls[{position}].index is {DescribeToken(ref reader)}, not a non-negative integer";
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : SkipNull(ref reader);
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    ReadFunction(ref reader, ref name, ref arguments);
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.TokenType == JsonTokenType.String && !reader.ValueTextEquals("function"u8) ? reader.GetString() : SkipNull(ref reader); // builtin_function is echoed as received
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            calls.Add(new ToolCallUpdate(index ?? position, id, name, arguments) { IndexWasExplicit = index is not null, Type = type });
            position++;
        }

        if (calls.Count > 0)
        {
            choice.ToolCalls = calls.ToArray();
        }

        calls.Clear();
    }

    private static void ReadFunction(ref Utf8JsonReader reader, ref string? name, ref string? arguments)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : SkipNull(ref reader);
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    arguments = reader.GetString();
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // Some servers send arguments as a JSON object instead of a string: keep its text.
                    using var document = JsonDocument.ParseValue(ref reader);
                    arguments = document.RootElement.GetRawText();
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static string DescribeToken(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string \"{reader.GetString()}\"",
        JsonTokenType.Number => $"the number {Encoding.UTF8.GetString(reader.ValueSpan)}",
        _ => reader.TokenType.ToString().ToLowerInvariant(),
    };

    private static TokenUsage? ReadUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int? prompt = null, completion = null, total = null, cachedTop = null, cachedNested = null, reasoningTop = null, reasoningNested = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                total = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cachedTop = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("reasoning_tokens"u8))
            {
                reasoningTop = ReadInt(ref reader); // SGLang's top-level extra
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                cachedNested = ReadDetail(ref reader, "cached_tokens"u8) ?? cachedNested;
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reasoningNested = ReadDetail(ref reader, "reasoning_tokens"u8) ?? reasoningNested;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (prompt is null && completion is null && total is null)
        {
            return null;
        }

        return NormalizeUsage(prompt ?? 0, completion ?? 0, total, cachedTop ?? cachedNested, reasoningNested ?? reasoningTop); // unreported details stay null (conformance 38g)
    }

    /// <summary>
    /// Conformance 18–19: cached counted once (top level first); reasoning outside completion tokens is added back. It is
    /// outside when it exceeds the completion tokens, or when the reported total is prompt + completion + reasoning.
    /// Sums are computed in <see cref="long"/> and clamped to <see cref="int.MaxValue"/> (they never wrap negative).
    /// </summary>
    internal static TokenUsage NormalizeUsage(int prompt, int completion, int? total, int? cached, int? reasoningReported)
    {
        long output = completion;
        var reasoning = reasoningReported ?? 0;
        if (reasoning > 0 && (reasoning > completion || total == (long)prompt + completion + reasoning))
        {
            output += reasoning;
            total = null; // recomputed below: the reported total left reasoning out too, or already equals the sum
        }

        var clampedOutput = Clamp(output);
        return new TokenUsage(prompt, clampedOutput, total ?? Clamp((long)prompt + clampedOutput), cached, reasoningReported);
    }

    private static int Clamp(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);

    private static int? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                value = ReadInt(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return value;
    }

    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number)
        {
            reader.Skip();
            return null;
        }

        // Counts beyond int's range are clamped to int.MaxValue (or int.MinValue), never wrapped.
        return reader.TryGetInt64(out var value) ? Clamp(value) : reader.TryGetDouble(out var d) ? (int)Math.Clamp(d, int.MinValue, int.MaxValue) : null;
    }

    private struct ChoiceData
    {
        public string? Content;
        public string? Reasoning;
        public string? FinishReason;
        public TokenUsage? Usage;
        public ToolCallUpdate[]? ToolCalls;
        public string? Problem;
    }
}
