using System.Buffers.Text;

#pragma warning disable CA2208 // Errors name the public factory's parameters (uri, mediaType), checked here.

namespace Kimi.Client;

/// <summary>Media types: from the caller, else sniffed from the first bytes, else from the file extension.</summary>
internal static class MediaTypes
{
    /// <summary>How many leading bytes sniffing needs.</summary>
    public const int SniffLength = 16;

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".mp4"] = "video/mp4",
        [".m4v"] = "video/mp4",
        [".mov"] = "video/quicktime",
        [".webm"] = "video/webm",
        [".mpeg"] = "video/mpeg",
        [".mpg"] = "video/mpeg",
        [".avi"] = "video/x-msvideo",
        [".flv"] = "video/x-flv",
        [".wmv"] = "video/x-ms-wmv",
        [".3gp"] = "video/3gpp",
    };

    private static ReadOnlySpan<byte> Png => new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };

    private static ReadOnlySpan<byte> Jpeg => new byte[] { 0xFF, 0xD8, 0xFF };

    private static ReadOnlySpan<byte> Ebml => new byte[] { 0x1A, 0x45, 0xDF, 0xA3 };

    /// <summary>Detects PNG, JPEG, GIF and WebP images and MP4, QuickTime (MOV) and WebM videos from their first bytes.</summary>
    public static string? Sniff(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith(Png))
        {
            return "image/png";
        }

        if (header.StartsWith(Jpeg))
        {
            return "image/jpeg";
        }

        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (header.StartsWith(Ebml))
        {
            return "video/webm"; // EBML: WebM (Matroska's web profile)
        }

        if (header.Length >= 12)
        {
            var box = header[4..8];
            if (box.SequenceEqual("ftyp"u8))
            {
                return header[8..12].SequenceEqual("qt  "u8) ? "video/quicktime" : "video/mp4";
            }

            // Older QuickTime files start with a movie, data or padding atom instead of ftyp.
            if (box.SequenceEqual("moov"u8) || box.SequenceEqual("mdat"u8) || box.SequenceEqual("wide"u8) || box.SequenceEqual("free"u8))
            {
                return "video/quicktime";
            }
        }

        return null;
    }

    public static string? FromExtension(string? fileName) =>
        fileName is not null && ByExtension.TryGetValue(Path.GetExtension(fileName), out var type) ? type : null;

    /// <summary>The caller's type (checked), else sniffed, else from the extension; otherwise a clear error.</summary>
    public static string Resolve(MediaKind kind, string? mediaType, ReadOnlySpan<byte> header, string? fileName, string what)
    {
        if (mediaType is not null && !mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            return Check(kind, mediaType, what, nameof(mediaType));
        }

        var detected = Sniff(header) ?? FromExtension(fileName)
            ?? throw new ArgumentException(
                $"Could not tell the media type of {what}: its first bytes are not PNG, JPEG, GIF, WebP, MP4, MOV or WebM" +
                (fileName is null ? string.Empty : " and its extension is not known") +
                $". Pass the media type, for example {(kind == MediaKind.Image ? "image/png" : "video/mp4")}.", nameof(mediaType));
        return Check(kind, detected, what, nameof(mediaType));
    }

    /// <summary>Normalizes a media type and checks it is an image type for an image part, a video type for a video part.</summary>
    public static string Check(MediaKind kind, string mediaType, string what, string parameterName)
    {
        var type = mediaType.Trim().ToLowerInvariant();
        var semicolon = type.IndexOf(';', StringComparison.Ordinal);
        if (semicolon >= 0)
        {
            type = type[..semicolon].TrimEnd();
        }

        var slash = type.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == type.Length - 1 || type.AsSpan().ContainsAny(" \"\\,"))
        {
            throw new ArgumentException($"'{mediaType}' is not a media type such as image/png or video/mp4.", parameterName);
        }

        var prefix = kind == MediaKind.Image ? "image/" : "video/";
        if (!type.StartsWith(prefix, StringComparison.Ordinal))
        {
            var other = kind == MediaKind.Image ? "VideoPart" : "ImagePart";
            throw new ArgumentException(
                type.StartsWith(kind == MediaKind.Image ? "video/" : "image/", StringComparison.Ordinal)
                    ? $"{what} is {(kind == MediaKind.Image ? "a video" : "an image")} ({type}): use {other} for it."
                    : $"{what} has media type {type}; Kimi reads images (image/*) and videos (video/*).",
                parameterName);
        }

        return type;
    }

    /// <summary>Reads the media type and decoded size of a <c>data:&lt;type&gt;;base64,&lt;data&gt;</c> URL.</summary>
    public static (string? MediaType, long? Length) ParseDataUrl(string url)
    {
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            throw new ArgumentException("The data: URL has no ',' before its data.", "uri");
        }

        var header = url.AsSpan(5, comma - 5); // after "data:"
        var base64 = header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase);
        var typeEnd = header.IndexOf(';');
        var type = (typeEnd < 0 ? header : header[..typeEnd]).ToString();
        var dataLength = url.Length - comma - 1;
        long length = base64 ? Base64.GetMaxDecodedFromUtf8Length(dataLength) : dataLength;
        return (type.Length == 0 ? null : type, length);
    }
}
