using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Serialization;

/// <summary>
/// Parses chat-completion JSON (a streamed chunk or a whole response) with a forward-only <see cref="Utf8JsonReader"/>:
/// no DOM, unknown fields skipped, reasoning read from <c>reasoning_content</c>, <c>reasoning</c> or (as a fallback)
/// <c>reasoning_details</c>, usage from the choice or the top level, and per-stream facts (id, model, upstream) reused
/// instead of re-allocated on every chunk. Tool-call fragments and usage have their own readers
/// (<see cref="ToolCallDeltaReader"/>, <see cref="UsageReader"/>). One instance per stream; not thread-safe.
/// </summary>
/// <param name="response">The HTTP response the chunks belong to.</param>
/// <param name="origin">The host's dialect and the model asked for, stamped on the reasoning received.</param>
/// <param name="profile">The host, when its rules bind reasoning to the model the response names (OpenRouter).</param>
internal sealed class ChunkParser(KimiResponseInfo? response, ReasoningOrigin origin, KimiProvider? profile = null)
{
    /// <summary>How much of an invalid event's payload is kept for the error message (scrubbed and shortened there).</summary>
    internal const int PayloadCaptureLength = 2048;

    // 10^11 s is the year 5138: a larger "created" is a millisecond timestamp (some gateways send Date.now()).
    private const long MillisecondTimestampThreshold = 100_000_000_000;

    private StreamMetadata? _metadata;
    private List<ToolCallUpdate>? _toolCallScratch; // reused per chunk: each chunk gets an exact-size list
    private string? _finishReason; // the stream's finish reason so far: a repeat of it is not a second finish (conformance 39g)
    private DeltaStringCache _deltaStrings; // a mutable struct: used in place, never copied

    /// <summary>
    /// The SSE parser's item callback: one event read by its type. A method of the parser, so handing it to the SSE parser
    /// costs a delegate and no closure.
    /// </summary>
    public ParsedEvent ParseSseEvent(string eventType, ReadOnlySpan<byte> data) => eventType switch
    {
        "message" => ParseEvent(data),
        "error" => ParseErrorEvent(data),
        _ => ParseOtherEvent(data), // ping, keep-alive …: skipped unless they carry a chunk
    };

    /// <summary>Whether fields the parser does not read are kept (always for a whole answer; opt-in for streams: it allocates).</summary>
    public bool KeepUnknownFields { get; init; }

    /// <summary>
    /// Whether a whole answer (<see cref="ParseResponse(ReadOnlySequence{byte})"/>) without tool calls or reasoning details is
    /// read straight into its completion (<see cref="ParsedKind.Completion"/>): for a non-streamed call on a host whose text
    /// needs no splitting, where the update and stream facts would only be copied over. Off: always an update.
    /// </summary>
    public bool CompletesWholeAnswers { get; init; }

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
            parsed = parsed.WithPayload(Encoding.UTF8.GetString(capture));
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
            return ParsedEvent.Invalid(first < 0 ? "it is empty" : "it is not a JSON object");
        }

        var reader = new Utf8JsonReader(body);
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

    private ParsedEvent Parse(ReadOnlySpan<byte> json, bool isMessage)
    {
        if (json.IsEmpty || json[0] != (byte)'{')
        {
            return ParsedEvent.Invalid(json.IsEmpty && isMessage ? "it is empty" : "it is not a JSON object");
        }

        // Strict JSON, as every host sends: the reader's comment-skipping mode takes a slower path on every token (about
        // 25 ns more per chunk, a tenth of reading its tokens), for comments no host writes.
        var reader = new Utf8JsonReader(json);
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
            return ParsedEvent.Invalid($"it is not valid JSON ({ex.Message})");
        }
        catch (InvalidOperationException ex)
        {
            return ParsedEvent.Invalid($"a field has the wrong type ({ex.Message})");
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // Safety net: a value the parser could not represent must surface as a Kimi format error, never escape raw.
            return ParsedEvent.Invalid($"a field is out of range ({ex.Message})");
        }
    }

    private ParsedEvent ParseObject(ref Utf8JsonReader reader, bool isMessage)
    {
        var start = reader; // a copy: the error path re-reads the object from here
        reader.Read(); // StartObject

        var metadata = _metadata; // made on the first chunk from what it says (an empty one first would be made twice)
        string? id = metadata?.Id, model = metadata?.Model, upstream = metadata?.Upstream;
        DateTimeOffset? created = metadata?.Created;
        var changed = metadata is null;
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
                changed |= ReadCached(ref reader, ref model, known: origin.Model); // most answers name the model asked for: that string, no new one
            }
            else if (reader.ValueTextEquals("provider"u8))
            {
                reader.Read();
                changed |= ReadCached(ref reader, ref upstream); // OpenRouter: the upstream that served the call ("Moonshot AI")
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var raw) && TryReadTimestamp(raw, out var timestamp) && created != timestamp)
                {
                    created = timestamp;
                    changed = true;
                }
                else
                {
                    reader.Skip(); // an object or array is passed over whole (its members would otherwise be read as the chunk's own)
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
                topUsage = UsageReader.Read(ref reader) ?? topUsage;
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
                SkipOrKeep(ref reader, ref choice.Unknown, prefix: default);
            }
        }

        // The cases ChatCompletionAccumulator.FromWhole folds without the accumulator (keep the two in step).
        if (isMessage && CompletesWholeAnswers && !hasError && choice is { Error: null, Problem: null, ToolCalls: null, BareArguments.Text: null, ReasoningDetails: null } && hasChoices)
        {
            return WholeCompletion(id, model, created, upstream, ref choice, topUsage);
        }

        metadata = changed ? _metadata = new StreamMetadata(id, model, created, response, OriginFor(model, upstream), upstream) : metadata!;

        if (hasError || choice.Error is not null)
        {
            // OpenRouter's in-band error: the error (top level, else the choice's) and what its choice still carried.
            KimiProviderError? error;
            if (hasError)
            {
                using var document = JsonDocument.ParseValue(ref start);
                error = Errors.ProviderErrorParser.Parse(document.RootElement);
            }
            else
            {
                error = Errors.ProviderErrorParser.ParseErrorObject(choice.Error!.Value);
            }

            return ParsedEvent.Failed(error ?? new KimiProviderError(null), choice.Seen ? Build(metadata, ref choice, topUsage) : null);
        }

        if (choice.Problem is not null)
        {
            return ParsedEvent.Invalid(choice.Problem, id);
        }

        if (isMessage && !hasChoices)
        {
            return ParsedEvent.Invalid("it has no choices (and no error)", id);
        }

        if (!isMessage && !choice.Seen && topUsage is null)
        {
            return ParsedEvent.Skip; // nothing but metadata (a "choices":[] chunk, OpenRouter's debug echo): no update
        }

        return ParsedEvent.Of(Build(metadata, ref choice, topUsage));
    }

    // Out of line: every streamed chunk runs through ParseObject, and this call's many arguments would weigh on its code.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ParsedEvent WholeCompletion(string? id, string? model, DateTimeOffset? created, string? upstream, ref ChoiceData choice, TokenUsage? topUsage) =>
        ParsedEvent.Of(ChatCompletionAccumulator.FromWholeFields(
            id, model, created, response, OriginFor(model, upstream), upstream, choice.Content, choice.Reasoning, choice.FinishReason, choice.NativeFinishReason,
            topUsage ?? choice.Usage, choice.Unknown));

    private ChatCompletionUpdate Build(StreamMetadata metadata, ref ChoiceData choice, TokenUsage? topUsage)
    {
        if (choice.FinishReason is { } finish)
        {
            // Cloudflare and OpenRouter append a copy of the finish chunk (with its usage): one finish event, the usage still read.
            if (ReferenceEquals(finish, _finishReason) || finish == _finishReason)
            {
                choice.FinishReason = null;
                choice.NativeFinishReason = null;
            }

            _finishReason = finish;
        }

        if (choice.BareArguments.Text is { } arguments)
        {
            var piece = choice.BareArguments;
            if (choice is { Reasoning: null, Content: null, FinishReason: null, Usage: null, NativeFinishReason: null, ReasoningDetails: null, Unknown: null } && topUsage is null)
            {
                return ChatCompletionUpdate.ToolArguments(metadata, piece.Index, piece.IndexWasExplicit, arguments);
            }

            choice.ToolCalls = new ToolCallList(piece.ToFragment()); // the piece shares its chunk with more
        }

        return new ChatCompletionUpdate(
            metadata,
            choice.Reasoning,
            choice.Content,
            choice.ToolCalls,
            choice.FinishReason,
            topUsage ?? choice.Usage,
            usageIsTopLevel: topUsage is not null,
            choice.NativeFinishReason,
            choice.ReasoningDetails,
            choice.Unknown);
    }

    /// <summary>
    /// The origin stamped on reasoning: the host's dialect with the model asked for, or with the model the response names where
    /// the host binds reasoning to it; and the upstream a router used.
    /// </summary>
    private ReasoningOrigin OriginFor(string? model, string? upstream)
    {
        var bound = profile is { BindsReasoningToResponseModel: true } && model is not null && model != origin.Model ? new ReasoningOrigin(origin.Dialect, model) : origin;
        return upstream is null || bound.Upstream == upstream ? bound : new ReasoningOrigin(bound.Dialect, bound.Model) { Upstream = upstream };
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

    private static bool ReadCached(ref Utf8JsonReader reader, ref string? cached, string? known = null)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return false;
        }

        // Same id/model as the previous chunk: no new string. Plain ASCII bytes are compared with the string as they are (the
        // general comparison first transcodes the string on every chunk); anything else takes the general one.
        if (cached is not null && ((!reader.ValueIsEscaped && !reader.HasValueSequence && Ascii.Equals(reader.ValueSpan, cached)) || reader.ValueTextEquals(cached)))
        {
            return false;
        }

        // Written out as above, not through a shared helper: this runs for two fields of every streamed chunk.
        var isKnown = known is not null && ((!reader.ValueIsEscaped && !reader.HasValueSequence && Ascii.Equals(reader.ValueSpan, known)) || reader.ValueTextEquals(known));
        cached = isKnown ? known : reader.GetString();
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
            choice.Seen = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    ReadDelta(ref reader, ref choice, isMessage);
                }
                else if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    reader.Skip();
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
                    choice.Usage = UsageReader.Read(ref reader) ?? choice.Usage; // Moonshot: usage inside the choice (conformance 14)
                }
                else if (reader.ValueTextEquals("native_finish_reason"u8))
                {
                    reader.Read();
                    choice.NativeFinishReason = reader.TokenType == JsonTokenType.String ? ReadFinishReason(ref reader) : SkipNull(ref reader); // OpenRouter's raw upstream value
                }
                else if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    choice.Error = reader.TokenType == JsonTokenType.StartObject ? ReadElement(ref reader) : SkipElement(ref reader); // a choice that ended in error
                }
                else
                {
                    SkipOrKeep(ref reader, ref choice.Unknown, "choices[0]."u8);
                }
            }
        }
    }

    /// <summary>A copy of the JSON value under the reader (rare paths only: reasoning details, errors).</summary>
    private static JsonElement ReadElement(ref Utf8JsonReader reader)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.Clone();
    }

    private static JsonElement? SkipElement(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return null;
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

    private void ReadDelta(ref Utf8JsonReader reader, ref ChoiceData choice, bool isMessage)
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
                choice.Content = (reader.TokenType == JsonTokenType.String ? _deltaStrings.GetString(ref reader) : ReadContent(ref reader)) is { Length: > 0 } content
                    ? content
                    : null; // "content":"" beside reasoning is no text (38b)
            }
            else if (reader.ValueTextEquals("reasoning_content"u8))
            {
                reader.Read();
                reasoningContent = reader.TokenType == JsonTokenType.String ? _deltaStrings.GetString(ref reader) : SkipNull(ref reader);
            }
            else if (reader.ValueTextEquals("reasoning"u8))
            {
                reader.Read();
                reasoning = reader.TokenType == JsonTokenType.String ? _deltaStrings.GetString(ref reader) : SkipNull(ref reader);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                choice.ToolCalls = ToolCallDeltaReader.Read(ref reader, ref _toolCallScratch, choice.ToolCalls, ref choice.BareArguments, ref choice.Problem);
            }
            else if (reader.ValueTextEquals("reasoning_details"u8))
            {
                reader.Read();
                choice.ReasoningDetails = reader.TokenType == JsonTokenType.StartArray ? ReadElement(ref reader) : SkipElement(ref reader); // kept verbatim (OpenRouter)
            }
            else if (reader.ValueTextEquals("role"u8))
            {
                reader.Read();
                reader.Skip();
            }
            else
            {
                SkipOrKeep(ref reader, ref choice.Unknown, isMessage ? "choices[0].message."u8 : "choices[0].delta."u8);
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

        // OpenRouter repeats the text in reasoning_details: read it from there only when no text field came (never twice).
        if (choice.Reasoning is null && choice.ReasoningDetails is { } details)
        {
            choice.Reasoning = ReasoningDetailsBuilder.TextOf(details);
        }
    }

    private ParsedEvent ParseErrorEvent(ReadOnlySpan<byte> data)
    {
        // An "error" event is an error whatever its data looks like (a bare {"message":…} would otherwise read as a skippable chunk).
        var parsed = ParseEvent(data);
        return parsed.Kind is ParsedKind.Error or ParsedKind.Done ? parsed : ParsedEvent.Failed(Errors.ProviderErrorParser.Parse(data));
    }

    // System.Net.ServerSentEvents keeps the previous event type after a data-less event ("event: ping\n\n"), so a real
    // chunk can arrive under another name: read it if it is one, skip it if it is not.
    private ParsedEvent ParseOtherEvent(ReadOnlySpan<byte> data)
    {
        var parsed = ParseEvent(data);
        return parsed.Kind switch
        {
            ParsedKind.Invalid => ParsedEvent.Skip,
            ParsedKind.Update when IsEmpty(parsed.Update!) => ParsedEvent.Skip,
            _ => parsed,
        };
    }

    private static bool IsEmpty(ChatCompletionUpdate update) =>
        update.ContentDelta is null && update.ReasoningDelta is null && !update.HasToolCalls && update.RawFinishReason is null && update.Usage is null;

    /// <summary>
    /// At an unread property name: skips its value, or, when <see cref="KeepUnknownFields"/> is on and the value is not
    /// null, keeps a copy under its path (<c>system_fingerprint</c>, <c>choices[0].logprobs</c>, <c>choices[0].message.refusal</c>).
    /// </summary>
    private void SkipOrKeep(ref Utf8JsonReader reader, ref Dictionary<string, JsonElement>? kept, ReadOnlySpan<byte> prefix)
    {
        if (!KeepUnknownFields)
        {
            reader.Read();
            reader.Skip();
            return;
        }

        var name = prefix.IsEmpty ? reader.GetString()! : Encoding.UTF8.GetString(prefix) + reader.GetString();
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return; // an unknown field with no value says nothing
        }

        (kept ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal))[name] = ReadElement(ref reader);
    }

    internal static string? SkipNull(ref Utf8JsonReader reader)
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

    private struct ChoiceData
    {
        public bool Seen;
        public string? NativeFinishReason;
        public JsonElement? ReasoningDetails;
        public JsonElement? Error;
        public string? Content;
        public string? Reasoning;
        public string? FinishReason;
        public TokenUsage? Usage;
        public ToolCallList? ToolCalls;
        public ArgumentsPiece BareArguments; // instead of ToolCalls, when the delta's one call is a bare arguments piece
        public string? Problem;
        public Dictionary<string, JsonElement>? Unknown;
    }
}
