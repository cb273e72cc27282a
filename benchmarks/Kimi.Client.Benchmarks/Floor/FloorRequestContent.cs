using System.Net;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client.Benchmarks.Floor;

/// <summary>
/// Writes the request with a <see cref="Utf8JsonWriter"/> into one pooled buffer, handed to the request stream in ~16 KB
/// pieces (no buffer that doubles per request).
/// </summary>
internal sealed class FloorRequestContent : HttpContent
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    // Only JSON's mandatory escapes: the body is not embedded in HTML, and quotes stay 2 bytes, not 6 (\u0022).
    private static readonly JsonWriterOptions Options = new() { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int FlushAt = 16 * 1024;

    private readonly string _model;
    private readonly FloorMessage[] _messages;
    private readonly bool _stream;

    public FloorRequestContent(string model, FloorMessage[] messages, bool stream)
    {
        _model = model;
        _messages = messages;
        _stream = stream;
        Headers.ContentType = Json;
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var buffer = new FloorBufferWriter(FlushAt + 4096);
        await using var writer = new Utf8JsonWriter(buffer, Options);
        writer.WriteStartObject();
        writer.WriteString("model"u8, _model);
        writer.WriteStartArray("messages"u8);
        foreach (var message in _messages)
        {
            writer.WriteStartObject();
            writer.WriteString("role"u8, message.Role);
            if (message.Content is { } content)
            {
                writer.WriteString("content"u8, content);
            }

            if (message.Reasoning is { } reasoning)
            {
                writer.WriteString("reasoning_content"u8, reasoning);
            }

            if (message.ToolCalls is { } calls)
            {
                writer.WriteStartArray("tool_calls"u8);
                foreach (var call in calls)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, call.Id);
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, call.Name);
                    writer.WriteString("arguments"u8, call.Arguments);
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            if (message.ToolCallId is { } toolCallId)
            {
                writer.WriteString("tool_call_id"u8, toolCallId);
            }

            writer.WriteEndObject();
            if (writer.BytesPending > FlushAt)
            {
                writer.Flush();
                await stream.WriteAsync(buffer.Written, cancellationToken).ConfigureAwait(false);
                buffer.Clear();
            }
        }

        writer.WriteEndArray();
        if (_stream)
        {
            writer.WriteBoolean("stream"u8, true);
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.Flush();
        await stream.WriteAsync(buffer.Written, cancellationToken).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
