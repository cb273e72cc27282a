using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Serialization;

/// <summary>
/// Writes a user message that holds images or videos. Inline media is base64-encoded piece by piece straight into the
/// JSON string (<see cref="Utf8JsonWriter.WriteStringValueSegment(ReadOnlySpan{byte}, bool)"/>) and flushed to the request
/// stream as it goes, so a 20 MB video never exists as one base64 buffer or string; the content is a JSON array, never a string.
/// </summary>
internal static class MediaMessageWriter
{
    // 12 KiB of media → 16 KiB of base64 per segment: the size the writer flushes at, so its buffer never grows for media.
    private const int SegmentBytes = 12 * 1024;

    public static async ValueTask WriteAsync(Utf8JsonWriter writer, ChatRequest request, int index, Func<CancellationToken, ValueTask> flushIfFull, CancellationToken cancellationToken)
    {
        var message = request.Messages[index];
        writer.WriteStartObject();
        writer.WriteString("role"u8, "user"u8); // media is only allowed in user messages (checked in ChatRequest)
        writer.WritePropertyName("content"u8);
        writer.WriteStartArray();
        foreach (var part in message.Parts)
        {
            switch (part)
            {
                case TextPart text:
                    ChatRequestWriter.WriteTextPart(writer, text);
                    break;
                case MediaPart media:
                    if (request.InlinedMedia?.TryGetValue(media, out var inlined) == true)
                    {
                        media = inlined;
                    }

                    writer.WriteStartObject();
                    writer.WriteString("type"u8, media.WireType);
                    writer.WritePropertyName(media.WireType);
                    writer.WriteStartObject();
                    writer.WritePropertyName("url"u8);
                    if (media.Uri is { } uri)
                    {
                        writer.WriteStringValue(uri.OriginalString);
                    }
                    else
                    {
                        await WriteDataUrlAsync(writer, media, flushIfFull, cancellationToken).ConfigureAwait(false);
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                    break;
            }

            await flushIfFull(cancellationToken).ConfigureAwait(false);
        }

        writer.WriteEndArray();
        if (message.Name is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"data:&lt;type&gt;;base64,&lt;data&gt;"</c> from the part's bytes, file or stream, read from the start.</summary>
    private static async ValueTask WriteDataUrlAsync(Utf8JsonWriter writer, MediaPart media, Func<CancellationToken, ValueTask> flushIfFull, CancellationToken cancellationToken)
    {
        var prefix = Encoding.UTF8.GetBytes("data:" + media.MediaType + ";base64,");
        writer.WriteStringValueSegment(prefix, isFinalSegment: false);
        var state = new EncoderState(writer, flushIfFull, ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(SegmentBytes)));
        try
        {
            await media.ReadAsync(state, static async (state, chunk, final, ct) =>
            {
                // Every chunk but the last is a multiple of 3 bytes, so the pieces join into one valid base64 string.
                var offset = 0;
                do
                {
                    var length = Math.Min(SegmentBytes, chunk.Length - offset);
                    var last = final && offset + length == chunk.Length;
                    Base64.EncodeToUtf8(chunk.Span.Slice(offset, length), state.Buffer, out _, out var written);
                    state.Writer.WriteStringValueSegment(state.Buffer.AsSpan(0, written), last);
                    await state.FlushIfFull(ct).ConfigureAwait(false);
                    offset += length;
                }
                while (offset < chunk.Length);
            }, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(state.Buffer);
        }
    }

    private sealed record EncoderState(Utf8JsonWriter Writer, Func<CancellationToken, ValueTask> FlushIfFull, byte[] Buffer);
}
