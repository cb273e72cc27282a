using System.Net;
using System.Net.Http.Headers;
using Kimi.Client.Serialization;

namespace Kimi.Client.Http;

/// <summary>
/// The request body: serialized from the message model straight into the request stream each time it is sent, so a
/// retried attempt re-serializes instead of replaying a half-read buffer.
/// </summary>
internal sealed class ChatRequestContent : HttpContent
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    public ChatRequestContent(ChatRequest request)
    {
        Request = request;
        Headers.ContentType = Json;
    }

    public ChatRequest Request { get; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        ChatRequestWriter.WriteAsync(Request, stream, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        ChatRequestWriter.WriteAsync(Request, stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
