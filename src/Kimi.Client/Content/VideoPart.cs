namespace Kimi.Client;

/// <summary>A video in a user message (<c>video_url</c> on the wire). Documented only on Moonshot's own API.</summary>
public sealed class VideoPart : MediaPart
{
    private VideoPart(Uri uri) : base(uri)
    {
    }

    private VideoPart(ReadOnlyMemory<byte> data, string mediaType) : base(data, mediaType)
    {
    }

    /// <summary>A video at a URL (<c>data:</c> or <c>ms://&lt;file-id&gt;</c> on Moonshot).</summary>
    /// <param name="uri">The absolute URL.</param>
    /// <returns>The part.</returns>
    public static VideoPart FromUri(Uri uri) => new(uri);

    /// <summary>A video from bytes, sent inline as a base64 <c>data:</c> URL.</summary>
    /// <param name="data">The encoded video, for example MP4.</param>
    /// <param name="mediaType">Its media type, for example <c>video/mp4</c>.</param>
    /// <returns>The part.</returns>
    public static VideoPart FromBytes(ReadOnlyMemory<byte> data, string mediaType) => new(data, mediaType);

    internal override string WireType => "video_url";
}
