namespace Kimi.Client;

/// <summary>An image in a user message (<c>image_url</c> on the wire).</summary>
public sealed class ImagePart : MediaPart
{
    private ImagePart(Uri uri) : base(uri)
    {
    }

    private ImagePart(ReadOnlyMemory<byte> data, string mediaType) : base(data, mediaType)
    {
    }

    /// <summary>An image at a URL. Moonshot accepts only <c>data:</c> and <c>ms://</c> URLs; other hosts also take http(s).</summary>
    /// <param name="uri">The absolute URL.</param>
    /// <returns>The part.</returns>
    public static ImagePart FromUri(Uri uri) => new(uri);

    /// <summary>An image from bytes, sent inline as a base64 <c>data:</c> URL.</summary>
    /// <param name="data">The encoded image (PNG, JPEG, WebP or GIF).</param>
    /// <param name="mediaType">Its media type, for example <c>image/png</c>.</param>
    /// <returns>The part.</returns>
    public static ImagePart FromBytes(ReadOnlyMemory<byte> data, string mediaType) => new(data, mediaType);

    internal override string WireType => "image_url";
}
