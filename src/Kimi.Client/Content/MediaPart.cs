namespace Kimi.Client;

/// <summary>An image or video, given as a URL or as bytes with a media type.</summary>
public abstract class MediaPart : MessagePart
{
    private protected MediaPart(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"The media URL must be absolute (http, https, data or ms://<file-id>); got '{uri.OriginalString}'.", nameof(uri));
        }

        Uri = uri;
    }

    private protected MediaPart(ReadOnlyMemory<byte> data, string mediaType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        if (data.IsEmpty)
        {
            throw new ArgumentException("The media bytes are empty: pass the image or video file's contents.", nameof(data));
        }

        Data = data;
        MediaType = mediaType;
    }

    /// <summary>The URL of the media (<c>https://…</c>, <c>data:…</c> or <c>ms://&lt;file-id&gt;</c>), when given as a URL.</summary>
    public Uri? Uri { get; }

    /// <summary>The media bytes, when given inline; sent as a base64 <c>data:</c> URL.</summary>
    public ReadOnlyMemory<byte>? Data { get; }

    /// <summary>The media type of <see cref="Data"/>, for example <c>image/png</c> or <c>video/mp4</c>.</summary>
    public string? MediaType { get; }

    /// <summary>The part's JSON type on the wire (<c>image_url</c> or <c>video_url</c>).</summary>
    internal abstract string WireType { get; }
}
