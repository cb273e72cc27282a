using System.Net;
using System.Net.Http.Headers;

namespace Kimi.Client.Files;

/// <summary>The file part of an upload: the media's raw bytes, read from the start again whenever the request is (re)sent.</summary>
internal sealed class MediaUploadContent : HttpContent
{
    private readonly MediaPart _media;

    public MediaUploadContent(MediaPart media)
    {
        _media = media;
        Headers.ContentType = new MediaTypeHeaderValue(media.MediaType!);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _media.ReadAsync(stream, static (output, chunk, _, ct) => output.WriteAsync(chunk, ct), cancellationToken).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = _media.Length ?? 0;
        return _media.Length is not null;
    }
}
