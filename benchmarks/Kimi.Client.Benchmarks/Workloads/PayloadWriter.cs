using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client.Benchmarks.Workloads;

/// <summary>Writes Moonshot-shaped chat-completion JSON and SSE frames.</summary>
internal sealed class PayloadWriter
{
    public const string Id = "chatcmpl-6a8de8a98709c8ec9c4875ac";
    public const string Model = "kimi-k2.6";
    public const long Created = 1787685033;

    // Providers send UTF-8 with only the JSON-mandated escapes.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

    public int Chunks { get; private set; }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    /// <summary>Writes one <c>data: {chunk}\n\n</c> frame; <paramref name="writeChoice"/> writes the choice's members.</summary>
    public void Chunk(Action<Utf8JsonWriter>? writeChoice, Usage? topLevelUsage = null)
    {
        Raw("data: "u8);
        using (var writer = new Utf8JsonWriter(_buffer, Options))
        {
            writer.WriteStartObject();
            Envelope(writer, "chat.completion.chunk");
            writer.WriteStartArray("choices"u8);
            if (writeChoice is not null)
            {
                writer.WriteStartObject();
                writer.WriteNumber("index"u8, 0);
                writeChoice(writer);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            topLevelUsage?.Write(writer);
            writer.WriteEndObject();
        }

        Raw("\n\n"u8);
        Chunks++;
    }

    public void Done() => Raw("data: [DONE]\n\n"u8);

    /// <summary>A whole non-streamed response.</summary>
    public void Response(Action<Utf8JsonWriter> writeMessage, string finishReason, Usage usage)
    {
        using var writer = new Utf8JsonWriter(_buffer, Options);
        writer.WriteStartObject();
        Envelope(writer, "chat.completion");
        writer.WriteStartArray("choices"u8);
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, 0);
        writer.WriteStartObject("message"u8);
        writer.WriteString("role"u8, "assistant"u8);
        writeMessage(writer);
        writer.WriteEndObject();
        writer.WriteString("finish_reason"u8, finishReason);
        writer.WriteEndObject();
        writer.WriteEndArray();
        usage.Write(writer);
        writer.WriteEndObject();
        Chunks = 1;
    }

    /// <summary>A delta with one string field, and <c>"finish_reason":null</c> as Moonshot sends it.</summary>
    public static Action<Utf8JsonWriter> Delta(string field, string value, bool withRole = false) => writer =>
    {
        writer.WriteStartObject("delta"u8);
        if (withRole)
        {
            writer.WriteString("role"u8, "assistant"u8);
        }

        writer.WriteString(field, value);
        writer.WriteEndObject();
        writer.WriteNull("finish_reason"u8);
    };

    /// <summary>The finish chunk: empty delta, the finish reason, and Moonshot's choice-level usage.</summary>
    public static Action<Utf8JsonWriter> Finish(string reason, Usage usage) => writer =>
    {
        writer.WriteStartObject("delta"u8);
        writer.WriteEndObject();
        writer.WriteString("finish_reason"u8, reason);
        usage.Write(writer);
    };

    private static void Envelope(Utf8JsonWriter writer, string type)
    {
        writer.WriteString("id"u8, Id);
        writer.WriteString("object"u8, type);
        writer.WriteNumber("created"u8, Created);
        writer.WriteString("model"u8, Model);
    }

    private void Raw(ReadOnlySpan<byte> bytes) => _buffer.Write(bytes);
}

/// <summary>A Moonshot usage block (cached tokens both at the top level and nested, as recorded).</summary>
internal sealed record Usage(int Prompt, int Completion, int Reasoning, int Cached)
{
    public int Total => Prompt + Completion;

    public void Write(Utf8JsonWriter writer)
    {
        writer.WriteStartObject("usage"u8);
        writer.WriteNumber("prompt_tokens"u8, Prompt);
        writer.WriteNumber("completion_tokens"u8, Completion);
        writer.WriteNumber("total_tokens"u8, Total);
        writer.WriteNumber("cached_tokens"u8, Cached);
        writer.WriteStartObject("completion_tokens_details"u8);
        writer.WriteNumber("reasoning_tokens"u8, Reasoning);
        writer.WriteEndObject();
        writer.WriteStartObject("prompt_tokens_details"u8);
        writer.WriteNumber("cached_tokens"u8, Cached);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
