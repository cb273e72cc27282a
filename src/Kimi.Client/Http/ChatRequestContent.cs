using System.Buffers;
using System.Net;
using Kimi.Client.Serialization;

namespace Kimi.Client.Http;

/// <summary>
/// The request body of one try: serialized from the message model for this try (a retried try gets a new content), with a
/// <c>Content-Length</c> when it has no media.
/// </summary>
internal sealed class ChatRequestContent : HttpContent
{
    // Added as text, as MediaTypeHeaderValue would print it: a typed value costs a header-info object per request.
    private const string Json = "application/json; charset=utf-8";

    private byte[]? _body; // rented from ArrayPool<byte>.Shared; returned on Dispose
    private int _length;

    public ChatRequestContent(ChatRequest request)
    {
        Request = request;
        Headers.TryAddWithoutValidation("Content-Type", Json);
    }

    public ChatRequest Request { get; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    // Without media the body is written once into memory (also when nothing asked for its length first) and handed to the
    // stream in one write; with media it streams.
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        Request.MediaMessages is null
            ? stream.WriteAsync(Buffered().AsMemory(0, _length), cancellationToken).AsTask()
            : ChatRequestWriter.WriteAsync(Request, stream, cancellationToken);

    /// <summary>
    /// A request without media is serialized once into a pooled buffer so it goes out with a <c>Content-Length</c> (some
    /// strict gateways refuse chunked bodies); one with images or videos streams its base64 chunked instead of buffering it.
    /// </summary>
    protected override bool TryComputeLength(out long length)
    {
        if (Request.MediaMessages is not null)
        {
            length = 0;
            return false;
        }

        Buffered();
        length = _length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _body is { } body)
        {
            _body = null;
            ArrayPool<byte>.Shared.Return(body);
        }

        base.Dispose(disposing);
    }

    private byte[] Buffered() => _body ??= ChatRequestWriter.WriteToBuffer(Request, out _length);
}
