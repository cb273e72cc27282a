using System.Text.Encodings.Web;
using System.Text.Json;
using Kimi.Client.Serialization;

namespace Kimi.Client.Agents;

/// <summary>
/// Writes and reads checkpoint records as compact UTF-8 JSON by hand (no reflection: NativeAOT clean). Messages keep their
/// text and media parts, reasoning and its origin, tool calls with ids, and tool-result ids, so a replayed history is the
/// same history.
/// </summary>
internal static class CheckpointCodec
{
    private const int Version = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    public static byte[] Write(CheckpointRecord record)
    {
        // A pooled buffer: a record holds whole tool results, and only its final copy should be new memory.
        using var buffer = new PooledBufferWriter(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v"u8, Version);
            writer.WriteString("kind"u8, KindName(record.Kind));
            writer.WriteNumber("step"u8, record.Step);
            writer.WriteNumber("elapsed_ms"u8, record.ElapsedMilliseconds);
            if (record.ToolCallId is { } id)
            {
                writer.WriteString("tool_call_id"u8, id);
            }

            if (record.Kind == CheckpointRecordKind.Compacted)
            {
                writer.WriteNumber("start"u8, record.ReplaceStart);
                writer.WriteNumber("count"u8, record.ReplaceCount);
            }

            if (record.StopReason is { } reason)
            {
                writer.WriteString("stop"u8, reason.ToString());
            }

            if (record.CallUsage is { } usage)
            {
                writer.WritePropertyName("usage"u8);
                WriteUsage(writer, usage);
            }

            writer.WritePropertyName("total"u8);
            WriteUsage(writer, record.TotalUsage);
            if (record.TotalCost is { } cost)
            {
                writer.WriteNumber("cost"u8, cost);
            }

            if (record.Messages.Count > 0)
            {
                writer.WriteStartArray("messages"u8);
                foreach (var message in record.Messages)
                {
                    WriteMessage(writer, message);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory.ToArray();
    }

    /// <exception cref="FormatException">The bytes are not a record this version wrote.</exception>
    public static CheckpointRecord Read(ReadOnlyMemory<byte> data)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(data);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            try
            {
                var root = document.RootElement;
                if (root.GetProperty("v").GetInt32() != Version)
                {
                    throw new FormatException($"written by checkpoint format version {root.GetProperty("v").GetInt32()}; this version reads {Version}");
                }

                return new CheckpointRecord
                {
                    Kind = ParseKind(root.GetProperty("kind").GetString()),
                    Step = root.GetProperty("step").GetInt32(),
                    ElapsedMilliseconds = root.GetProperty("elapsed_ms").GetInt64(),
                    ToolCallId = root.TryGetProperty("tool_call_id", out var id) ? id.GetString() : null,
                    ReplaceStart = root.TryGetProperty("start", out var start) ? start.GetInt32() : 0,
                    ReplaceCount = root.TryGetProperty("count", out var count) ? count.GetInt32() : 0,
                    StopReason = root.TryGetProperty("stop", out var stop) ? Enum.Parse<KimiAgentStopReason>(stop.GetString()!) : null,
                    CallUsage = root.TryGetProperty("usage", out var usage) ? ReadUsage(usage) : null,
                    TotalUsage = ReadUsage(root.GetProperty("total")),
                    TotalCost = root.TryGetProperty("cost", out var cost) ? cost.GetDecimal() : null,
                    Messages = root.TryGetProperty("messages", out var messages) ? [.. messages.EnumerateArray().Select(ReadMessage)] : [],
                };
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException or OverflowException)
            {
                throw new FormatException($"a field is missing or has the wrong type ({ex.Message})", ex);
            }
        }
    }

    private static string KindName(CheckpointRecordKind kind) => kind switch
    {
        CheckpointRecordKind.Started => "started",
        CheckpointRecordKind.ModelCall => "model_call",
        CheckpointRecordKind.ToolStarted => "tool_started",
        CheckpointRecordKind.ToolCompleted => "tool_completed",
        CheckpointRecordKind.Compacted => "compacted",
        _ => "ended",
    };

    private static CheckpointRecordKind ParseKind(string? name) => name switch
    {
        "started" => CheckpointRecordKind.Started,
        "model_call" => CheckpointRecordKind.ModelCall,
        "tool_started" => CheckpointRecordKind.ToolStarted,
        "tool_completed" => CheckpointRecordKind.ToolCompleted,
        "compacted" => CheckpointRecordKind.Compacted,
        "ended" => CheckpointRecordKind.Ended,
        _ => throw new FormatException($"unknown record kind '{name}'"),
    };

    private static void WriteUsage(Utf8JsonWriter writer, TokenUsage usage)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(usage.InputTokens);
        writer.WriteNumberValue(usage.OutputTokens);
        writer.WriteNumberValue(usage.TotalTokens);
        WriteCount(writer, usage.CachedInputTokens);
        WriteCount(writer, usage.ReasoningTokens);
        writer.WriteEndArray();
    }

    // A count the host did not report stays unknown (null), not 0, across a checkpoint.
    private static void WriteCount(Utf8JsonWriter writer, int? count)
    {
        if (count is { } value)
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static int? ReadCount(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetInt32();

    private static TokenUsage ReadUsage(JsonElement array) =>
        new(array[0].GetInt32(), array[1].GetInt32(), array[2].GetInt32(), ReadCount(array[3]), ReadCount(array[4]));

    private static void WriteMessage(Utf8JsonWriter writer, KimiMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, message.Role switch
        {
            MessageRole.System => "system",
            MessageRole.User => "user",
            MessageRole.Assistant => "assistant",
            _ => "tool",
        });
        if (message.PartsOrNull is { Count: > 0 } parts)
        {
            writer.WriteStartArray("parts"u8);
            foreach (var part in parts)
            {
                WritePart(writer, part);
            }

            writer.WriteEndArray();
        }

        if (message.Reasoning is { } reasoning)
        {
            writer.WriteString("reasoning"u8, reasoning);
        }

        if (message.ReasoningOrigin is { } origin)
        {
            writer.WriteStartObject("origin"u8);
            writer.WriteString("dialect"u8, origin.Dialect);
            writer.WriteString("model"u8, origin.Model);
            if (origin.Upstream is { } upstream)
            {
                writer.WriteString("upstream"u8, upstream);
            }

            writer.WriteEndObject();
        }

        if (message.ReasoningDetails is { } details)
        {
            writer.WritePropertyName("reasoning_details"u8);
            writer.WriteRawValue(details.GetRawText(), skipInputValidation: true); // verbatim: it goes back to the host byte for byte
        }

        if (message.ToolCallsOrNull is { Count: > 0 } calls)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var call in calls)
            {
                writer.WriteStartObject();
                writer.WriteString("id"u8, call.Id);
                writer.WriteString("name"u8, call.Name);
                writer.WriteString("arguments"u8, call.Arguments);
                if (call.ArgumentsError is { } error)
                {
                    writer.WriteString("arguments_error"u8, error);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (message.ToolCallId is { } toolCallId)
        {
            writer.WriteString("tool_call_id"u8, toolCallId);
        }

        if (message.Name is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        writer.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter writer, MessagePart part)
    {
        writer.WriteStartObject();
        switch (part)
        {
            case TextPart text:
                writer.WriteString("text"u8, text.Text);
                break;
            case MediaPart media:
                writer.WriteString("kind"u8, media is VideoPart ? "video" : "image");
                if (media.MediaType is { } type)
                {
                    writer.WriteString("media_type"u8, type);
                }

                if (media.Uri is { } uri)
                {
                    writer.WriteString("uri"u8, uri.OriginalString);
                }
                else if (media.Data is { } data)
                {
                    writer.WriteBase64String("data"u8, data.Span);
                }
                else if (media.FilePath is { } path)
                {
                    writer.WriteString("path"u8, path);
                }
                else
                {
                    throw new NotSupportedException("A stream-backed image or video cannot be checkpointed: pass its bytes (FromBytes), a file or a URL instead.");
                }

                break;
            default:
                throw new NotSupportedException($"A {part.GetType().Name} cannot be checkpointed.");
        }

        writer.WriteEndObject();
    }

    private static KimiMessage ReadMessage(JsonElement element)
    {
        var role = element.GetProperty("role").GetString() switch
        {
            "system" => MessageRole.System,
            "user" => MessageRole.User,
            "assistant" => MessageRole.Assistant,
            "tool" => MessageRole.Tool,
            var other => throw new FormatException($"unknown role '{other}'"),
        };
        var message = new KimiMessage(role)
        {
            Reasoning = element.TryGetProperty("reasoning", out var reasoning) ? reasoning.GetString() : null,
            ReasoningOrigin = element.TryGetProperty("origin", out var origin)
                ? new ReasoningOrigin(origin.GetProperty("dialect").GetString()!, origin.GetProperty("model").GetString()!)
                {
                    Upstream = origin.TryGetProperty("upstream", out var upstream) ? upstream.GetString() : null,
                }
                : null,
            ReasoningDetails = element.TryGetProperty("reasoning_details", out var details) ? details.Clone() : null,
            ToolCallId = element.TryGetProperty("tool_call_id", out var toolCallId) ? toolCallId.GetString() : null,
            Name = element.TryGetProperty("name", out var name) ? name.GetString() : null,
        };
        if (element.TryGetProperty("parts", out var parts))
        {
            foreach (var part in parts.EnumerateArray())
            {
                message.Parts.Add(ReadPart(part));
            }
        }

        if (element.TryGetProperty("tool_calls", out var calls))
        {
            foreach (var call in calls.EnumerateArray())
            {
                message.ToolCalls.Add(new ToolCall(
                    call.GetProperty("id").GetString()!,
                    call.GetProperty("name").GetString()!,
                    call.GetProperty("arguments").GetString()!,
                    call.TryGetProperty("arguments_error", out var error) ? error.GetString() : null));
            }
        }

        return message;
    }

    private static MessagePart ReadPart(JsonElement part)
    {
        if (part.TryGetProperty("text", out var text))
        {
            return new TextPart(text.GetString()!);
        }

        var video = part.GetProperty("kind").GetString() == "video";
        var type = part.TryGetProperty("media_type", out var mediaType) ? mediaType.GetString() : null;
        if (part.TryGetProperty("uri", out var uri))
        {
            var value = new Uri(uri.GetString()!, UriKind.Absolute);
            return video ? VideoPart.FromUri(value, type) : ImagePart.FromUri(value, type);
        }

        if (part.TryGetProperty("data", out var data))
        {
            var bytes = data.GetBytesFromBase64();
            return video ? VideoPart.FromBytes(bytes, type) : ImagePart.FromBytes(bytes, type);
        }

        var path = part.GetProperty("path").GetString()!;
        return video ? VideoPart.FromFile(path, type) : ImagePart.FromFile(path, type);
    }
}
