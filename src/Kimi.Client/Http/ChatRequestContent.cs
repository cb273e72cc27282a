using System.Net;
using System.Net.Http.Headers;
using Kimi.Client.Serialization;

namespace Kimi.Client.Http;

/// <summary>
/// The request body of one try: serialized from the message model for this try (a retried try gets a new content), with a
/// <c>Content-Length</c> when it has no media.
/// </summary>
internal sealed class ChatRequestContent : HttpContent
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public ChatRequestContent(ChatRequest request)
    {
        Request = request;
        Headers.ContentType = Json;
    }

    private PooledBufferWriter? _body;

    public ChatRequest Request { get; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _body is { } body ? stream.WriteAsync(body.WrittenMemory, cancellationToken).AsTask() : ChatRequestWriter.WriteAsync(Request, stream, cancellationToken);

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

        _body ??= ChatRequestWriter.WriteToBuffer(Request);
        length = _body.WrittenCount;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _body?.Dispose();
            _body = null;
        }

        base.Dispose(disposing);
    }
}
