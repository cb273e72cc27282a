using System.Diagnostics.CodeAnalysis;

namespace Kimi.Client;

/// <summary>An image or video: a URL, bytes, a file or a stream, with its media type.</summary>
/// <remarks>
/// Inline media (bytes, file, stream) is base64-encoded into the request body as a <c>data:</c> URL while the request is
/// written, again for every attempt, without whole-file string copies. A file is re-read per attempt; a seekable stream is
/// re-read from the position it had when the part was created and must stay open until the call ends (parts built from
/// one stream must not be sent by two calls at once). A non-seekable stream is buffered once by
/// <see cref="ImagePart.FromStreamAsync"/> or <see cref="VideoPart.FromStreamAsync"/>.
/// </remarks>
public abstract class MediaPart : MessagePart
{
    // A multiple of 3, so every chunk but the last encodes to base64 without padding.
    internal const int ChunkSize = 48 * 1024;

    private readonly Stream? _stream;
    private readonly long _streamStart;
    private int _streamInUse;

    private protected MediaPart(MediaKind kind, Uri uri, string? mediaType)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"The media URL must be absolute (http, https, data or ms://<file-id>); got '{uri.OriginalString}'.", nameof(uri));
        }

        Kind = kind;
        Uri = uri;
        if (uri.Scheme == "data")
        {
            var (dataType, length) = MediaTypes.ParseDataUrl(uri.OriginalString);
            mediaType ??= dataType;
            Length = length;
        }

        MediaType = mediaType is null ? null : MediaTypes.Check(kind, mediaType, "the URL", nameof(mediaType));
    }

    private protected MediaPart(MediaKind kind, ReadOnlyMemory<byte> data, string? mediaType)
    {
        if (data.IsEmpty)
        {
            throw new ArgumentException("The media bytes are empty: pass the image or video file's contents.", nameof(data));
        }

        Kind = kind;
        Data = data;
        Length = data.Length;
        MediaType = MediaTypes.Resolve(kind, mediaType, data.Span, fileName: null, "the bytes");
    }

    private protected MediaPart(MediaKind kind, string path, string? mediaType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"No media file at '{path}'.", path);
        }

        if (info.Length == 0)
        {
            throw new ArgumentException($"The media file '{path}' is empty.", nameof(path));
        }

        Kind = kind;
        FilePath = info.FullName;
        Length = info.Length;
        Span<byte> header = stackalloc byte[MediaTypes.SniffLength];
        int read;
        using (var file = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        MediaType = MediaTypes.Resolve(kind, mediaType, header[..read], info.Name, $"'{info.Name}'");
    }

    private protected MediaPart(MediaKind kind, Stream stream, string? mediaType, ReadOnlySpan<byte> header)
    {
        Kind = kind;
        _stream = stream;
        _streamStart = stream.Position;
        Length = stream.Length - _streamStart;
        if (Length <= 0)
        {
            throw new ArgumentException("The media stream has nothing left to read from its current position.", nameof(stream));
        }

        MediaType = MediaTypes.Resolve(kind, mediaType, header, (stream as FileStream)?.Name, "the stream");
    }

    /// <summary>The URL of the media (<c>https://…</c>, <c>data:…</c> or <c>ms://&lt;file-id&gt;</c>), when given as a URL.</summary>
    public Uri? Uri { get; }

    /// <summary>The media bytes, when given as bytes (or a non-seekable stream buffered once); sent as a base64 <c>data:</c> URL.</summary>
    public ReadOnlyMemory<byte>? Data { get; }

    /// <summary>The full path of the file the media is read from (for every attempt), when given as a file.</summary>
    public string? FilePath { get; }

    /// <summary>
    /// The media type, for example <c>image/png</c> or <c>video/mp4</c>: the caller's, else sniffed from the first bytes, else
    /// from the file extension. <see langword="null"/> only for an http(s) or <c>ms://</c> URL given without one.
    /// </summary>
    public string? MediaType { get; }

    /// <summary>The size of the media in bytes, when known (always for bytes, files and streams; estimated for <c>data:</c> URLs).</summary>
    public long? Length { get; }

    /// <summary>Whether the bytes travel in the request body as a base64 <c>data:</c> URL (bytes, file or stream).</summary>
    [MemberNotNullWhen(false, nameof(Uri))]
    public bool IsInline => Uri is null;

    internal MediaKind Kind { get; }

    /// <summary>The part's JSON type on the wire (<c>image_url</c> or <c>video_url</c>).</summary>
    internal abstract string WireType { get; }

    /// <summary>"image" or "video", for messages.</summary>
    internal string Noun => Kind == MediaKind.Image ? "image" : "video";

    /// <summary>Reads a seekable stream's first bytes and rewinds it, or buffers a non-seekable stream once.</summary>
    private protected static async Task<(ReadOnlyMemory<byte>? Buffered, byte[] Header)> PrepareStreamAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The media stream cannot be read.", nameof(stream));
        }

        if (stream.CanSeek)
        {
            var header = new byte[MediaTypes.SniffLength];
            var start = stream.Position;
            var read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            stream.Position = start;
            return (null, header[..read]);
        }

        // Buffered once, so every attempt (retry or failover) sends the same bytes; never sent half-read.
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, ChunkSize, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        return (bytes, bytes.Length >= MediaTypes.SniffLength ? bytes[..MediaTypes.SniffLength].ToArray() : bytes.ToArray());
    }

    /// <summary>Reads a seekable stream's first bytes and rewinds it; a non-seekable stream is refused with the way out.</summary>
    private protected static byte[] ReadStreamHeader(Stream stream, string factory)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The media stream cannot be read.", nameof(stream));
        }

        if (!stream.CanSeek)
        {
            throw new ArgumentException(
                $"The media stream cannot seek, so a retry could not re-send it: use await {factory}Async(stream), which buffers it once, or pass the bytes.",
                nameof(stream));
        }

        var header = new byte[MediaTypes.SniffLength];
        var start = stream.Position;
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        stream.Position = start;
        return header[..read];
    }

    /// <summary>
    /// Hands the media bytes to <paramref name="consume"/> in chunks of <see cref="ChunkSize"/> (the last may be shorter),
    /// from the start every time: the bytes, the file re-opened, or the stream rewound.
    /// </summary>
    internal async ValueTask ReadAsync<TState>(TState state, Func<TState, ReadOnlyMemory<byte>, bool, CancellationToken, ValueTask> consume, CancellationToken cancellationToken)
    {
        if (Data is { } data)
        {
            for (var offset = 0; offset < data.Length; offset += ChunkSize)
            {
                var length = Math.Min(ChunkSize, data.Length - offset);
                await consume(state, data.Slice(offset, length), offset + length == data.Length, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (FilePath is { } path)
        {
            FileStream file;
            try
            {
                file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new MediaSourceException($"Could not open the {Noun} file '{path}' while sending: {ex.Message}", ex);
            }

            await using (file.ConfigureAwait(false))
            {
                await CopyChunksAsync(file, state, consume, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (_stream is { } stream)
        {
            if (Interlocked.Exchange(ref _streamInUse, 1) != 0)
            {
                throw new InvalidOperationException("This media part's stream is being sent by another call; a stream can feed one call at a time (use FromBytes or FromFile to share media).");
            }

            try
            {
                stream.Position = _streamStart;
                await CopyChunksAsync(stream, state, consume, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _streamInUse, 0);
            }

            return;
        }

        throw new InvalidOperationException("A URL part has no bytes to read.");
    }

    private async ValueTask CopyChunksAsync<TState>(Stream source, TState state, Func<TState, ReadOnlyMemory<byte>, bool, CancellationToken, ValueTask> consume, CancellationToken cancellationToken)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var read = await ReadSourceAsync(source, buffer, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                if (read < ChunkSize)
                {
                    await consume(state, buffer.AsMemory(0, read), true, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await consume(state, buffer.AsMemory(0, read), false, cancellationToken).ConfigureAwait(false);
                read = await ReadSourceAsync(source, buffer, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // A failure reading the caller's file or stream is a local problem, not a network one: it must not be retried.
    private async ValueTask<int> ReadSourceAsync(Stream source, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException or NotSupportedException)
        {
            throw new MediaSourceException($"Could not read the {Noun} {(FilePath is { } path ? $"file '{path}'" : "stream")} while sending: {ex.Message}", ex);
        }
    }
}

/// <summary>Reading the caller's media (a file or stream) failed while the request was being sent: a local problem, never retried.</summary>
internal sealed class MediaSourceException(string message, Exception inner) : Exception(message, inner);
