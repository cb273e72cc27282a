namespace Kimi.Client;

/// <summary>A video in a user message (<c>video_url</c> on the wire). Documented only on Moonshot's own API; other providers need <see cref="KimiMediaOptions.AllowUnconfirmedVideo"/>.</summary>
/// <remarks>Which providers take it, and how, is checked before sending; see the README's media table.</remarks>
public sealed class VideoPart : MediaPart
{
    private VideoPart(Uri uri, string? mediaType) : base(MediaKind.Video, uri, mediaType)
    {
    }

    private VideoPart(ReadOnlyMemory<byte> data, string? mediaType) : base(MediaKind.Video, data, mediaType)
    {
    }

    private VideoPart(string path, string? mediaType) : base(MediaKind.Video, path, mediaType)
    {
    }

    private VideoPart(Stream stream, string? mediaType, ReadOnlySpan<byte> header) : base(MediaKind.Video, stream, mediaType, header)
    {
    }

    /// <summary>A video at a URL: <c>data:</c> or <c>ms://&lt;file-id&gt;</c> on Moonshot (for large videos, upload them); http(s) where the provider fetches URLs.</summary>
    /// <param name="uri">The absolute URL.</param>
    /// <param name="mediaType">Its media type, if known (read from a <c>data:</c> URL otherwise).</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentException">The URL is relative, or the media type is not a video type.</exception>
    public static VideoPart FromUri(Uri uri, string? mediaType = null) => new(uri, mediaType);

    /// <summary>A video uploaded to Moonshot's files API (<see cref="KimiFilesClient"/>), sent as <c>ms://&lt;file-id&gt;</c>. Moonshot only.</summary>
    /// <param name="fileId">The file id returned by the upload.</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentException"><paramref name="fileId"/> is empty or not a plain id.</exception>
    public static VideoPart FromFileId(string fileId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileId);
        if (fileId.AsSpan().ContainsAny("/?#: "))
        {
            throw new ArgumentException($"'{fileId}' is not a Moonshot file id (use KimiFile.Id, without the ms:// prefix).", nameof(fileId));
        }

        return new(new Uri("ms://" + fileId), null);
    }

    /// <summary>A video from bytes, sent inline as a base64 <c>data:</c> URL.</summary>
    /// <param name="data">The encoded video (MP4, MOV or WebM). Not copied: do not change it while a call is in flight.</param>
    /// <param name="mediaType">Its media type, for example <c>video/mp4</c>; when omitted it is sniffed from the first bytes.</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentException">The bytes are empty, or the media type is unknown or not a video type.</exception>
    public static VideoPart FromBytes(ReadOnlyMemory<byte> data, string? mediaType = null) => new(data, mediaType);

    /// <summary>A video from a file, read again for every attempt and sent inline as a base64 <c>data:</c> URL.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="mediaType">Its media type; when omitted it is sniffed from the first bytes, else taken from the extension.</param>
    /// <returns>The part.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ArgumentException">The file is empty, or the media type is unknown or not a video type.</exception>
    public static VideoPart FromFile(string path, string? mediaType = null) => new(path, mediaType);

    /// <summary>
    /// A video from a seekable stream, re-read from its current position for every attempt and sent inline as a base64
    /// <c>data:</c> URL. Keep the stream open until the call ends. For a non-seekable stream use <see cref="FromStreamAsync"/>.
    /// </summary>
    /// <param name="stream">The stream, positioned at the start of the video.</param>
    /// <param name="mediaType">Its media type; when omitted it is sniffed from the first bytes.</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentException">The stream cannot seek or read, is at its end, or the media type is unknown or not a video type.</exception>
    public static VideoPart FromStream(Stream stream, string? mediaType = null) => new(stream, mediaType, ReadStreamHeader(stream, "VideoPart.FromStream"));

    /// <summary>
    /// A video from any stream: a seekable one is used as by <see cref="FromStream"/>; a non-seekable one (a network or
    /// request body) is read to its end now and buffered once, so a retry sends the same bytes.
    /// </summary>
    /// <param name="stream">The stream, positioned at the start of the video.</param>
    /// <param name="mediaType">Its media type; when omitted it is sniffed from the first bytes.</param>
    /// <param name="cancellationToken">Cancels reading the stream.</param>
    /// <returns>The part.</returns>
    /// <exception cref="ArgumentException">The stream cannot read or is empty, or the media type is unknown or not a video type.</exception>
    public static async Task<VideoPart> FromStreamAsync(Stream stream, string? mediaType = null, CancellationToken cancellationToken = default)
    {
        var (buffered, header) = await PrepareStreamAsync(stream, cancellationToken).ConfigureAwait(false);
        return buffered is { } bytes ? new(bytes, mediaType) : new(stream, mediaType, header);
    }

    internal override string WireType => "video_url";
}
