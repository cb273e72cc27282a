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

    private byte[]? _body; // rented from ArrayPool<byte>.Shared; returned once disposed and no write of it is running
    private int _length;
    private int _writes; // writes of the buffered body still running
    private int _disposed;

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
        Request.MediaMessages is null ? WriteBufferedAsync(stream, cancellationToken) : ChatRequestWriter.WriteAsync(Request, stream, cancellationToken);

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
        if (disposing)
        {
            Interlocked.Exchange(ref _disposed, 1);
            if (Volatile.Read(ref _writes) == 0)
            {
                ReturnBody();
            }
        }

        base.Dispose(disposing);
    }

    // A handler may go on writing the body after the response came back (HTTP/2 sends the rest of a body after an early
    // error answer; a send that was cancelled is not awaited) and the try has disposed its request: the array goes back to
    // the pool only when the content is disposed and no write of it is running, so no later call's body can show through.
    private async Task WriteBufferedAsync(Stream stream, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes); // before the array is taken: a Dispose from now on leaves it to this write
        try
        {
            await stream.WriteAsync(Buffered().AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.Decrement(ref _writes) == 0 && Volatile.Read(ref _disposed) == 1)
            {
                ReturnBody();
            }
        }
    }

    private void ReturnBody()
    {
        if (Interlocked.Exchange(ref _body, null) is { } body)
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private byte[] Buffered() => _body ??= ChatRequestWriter.WriteToBuffer(Request, out _length);
}
