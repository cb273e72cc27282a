using System.Globalization;

#pragma warning disable CA2208 // Errors name the public method's parameter (messages), checked here.

namespace Kimi.Client;

/// <summary>
/// Checks every image and video part against the provider's <see cref="KimiMediaCapabilities"/> before anything is sent
/// (conformance 11); each failure names the provider and the way out.
/// </summary>
internal static class MediaValidator
{
    /// <returns>The http(s) parts to download and inline (Moonshot with <see cref="KimiMediaOptions.InlineHttpUrls"/>), or <see langword="null"/>.</returns>
    /// <exception cref="NotSupportedException">The provider cannot take a part as given.</exception>
    /// <exception cref="ArgumentException">A part uses an unknown URL scheme or is over the inline size limit.</exception>
    public static List<MediaPart>? Check(KimiMessage[] messages, KimiProvider profile, KimiMediaOptions options) => Check(messages, profile, options, out _);

    /// <param name="messages">The call's messages.</param>
    /// <param name="profile">The provider's rules.</param>
    /// <param name="options">The caller's media settings.</param>
    /// <param name="mediaMessages">Per message, whether it holds media (written by the media path); <see langword="null"/> when none does.</param>
    public static List<MediaPart>? Check(KimiMessage[] messages, KimiProvider profile, KimiMediaOptions options, out bool[]? mediaMessages)
    {
        mediaMessages = null;
        List<MediaPart>? downloads = null;
        for (var i = 0; i < messages.Length; i++)
        {
            if (messages[i].PartsOrNull is not { Count: > 0 } parts)
            {
                continue;
            }

            foreach (var part in parts)
            {
                if (part is not MediaPart media)
                {
                    continue;
                }

                mediaMessages ??= new bool[messages.Length];
                mediaMessages[i] = true;
                if (Check(media, i, profile, options))
                {
                    (downloads ??= []).Add(media);
                }
            }
        }

        return downloads;
    }

    /// <returns>Whether the part must be downloaded and inlined before sending.</returns>
    internal static bool Check(MediaPart media, int index, KimiProvider profile, KimiMediaOptions options)
    {
        var caps = profile.Media;
        var name = profile.DisplayName;
        var what = $"Message {index}'s {media.Noun}";
        var factory = media.Kind == MediaKind.Image ? "ImagePart" : "VideoPart";
        CheckKind(media, caps, name, what, options);
        if (media.FilePath is { } path && !File.Exists(path))
        {
            throw new FileNotFoundException($"{what} is the file '{path}', which no longer exists. Nothing was sent.", path);
        }

        var download = false;
        if (media.Uri is { } uri)
        {
            switch (uri.Scheme)
            {
                case "ms":
                    if (!caps.ReadsFileIds)
                    {
                        throw new NotSupportedException(
                            $"{what} is a file id ({uri.OriginalString}), which {name} cannot read. Send the {media.Noun} inline " +
                            $"({factory}.FromFile, FromBytes or FromStream), or send this call to a host that reads file ids ({KimiProvider.BuiltInWhere(static p => p.Media.ReadsFileIds)}).");
                    }

                    break;
                case "http" or "https":
                    if (!caps.FetchesHttpUrls)
                    {
                        if (caps.MayFetchHttpUrls && options.AllowUnconfirmedHttpUrls)
                        {
                            break; // sent as given: the caller accepts the provider's own error if it cannot fetch it
                        }

                        if (!options.InlineHttpUrls)
                        {
                            throw new NotSupportedException(
                                (caps.MayFetchHttpUrls
                                    ? $"Whether {name} fetches http(s) {media.Noun} URLs is unconfirmed ({caps.Source}); {what} is {uri.GetLeftPart(UriPartial.Path)}. "
                                    : $"{name} does not accept http(s) {media.Noun} URLs (it answers 400); {what} is {uri.GetLeftPart(UriPartial.Path)}. ") +
                                $"Pass the bytes ({factory}.FromFile, FromBytes or FromStream)" +
                                (caps.HasFilesApi ? $", upload it (KimiClient.GetFilesClient().UploadAsync, then {factory}.FromFileId)" : string.Empty) +
                                (caps.MayFetchHttpUrls ? ", set" : ", or set") +
                                " KimiClientOptions.Media.InlineHttpUrls = true to download and inline it (bounded by Media.MaxDownloadBytes and Media.DownloadTimeout)" +
                                (caps.MayFetchHttpUrls ? ", or set KimiClientOptions.Media.AllowUnconfirmedHttpUrls = true to send the URL as it is." : "."));
                        }

                        download = true;
                    }

                    break;
                case "data":
                    break;
                default:
                    throw new ArgumentException(
                        $"{what} has a '{uri.Scheme}:' URL; Kimi takes http(s), data: and (Moonshot) ms:// URLs. For a local file use {factory}.FromFile(path).", "messages");
            }
        }

        if (media.MediaType is { } type)
        {
            CheckMediaType(media, type, caps, name, what);
        }

        var limit = media.Kind == MediaKind.Image ? options.MaxInlineImageBytes : options.MaxInlineVideoBytes;
        if ((media.IsInline || media.Uri.Scheme == "data") && media.Length is { } length && length > limit)
        {
            throw new ArgumentException(
                $"{what} is {Size(length)}, over the {Size(limit)} inline limit for {name} (KimiClientOptions.Media.MaxInline{(media.Kind == MediaKind.Image ? "Image" : "Video")}Bytes). " +
                (caps.HasFilesApi ? $"Upload it (KimiClient.GetFilesClient().UploadAsync, then {factory}.FromFileId), shrink it, or raise the limit." : "Shrink it, pass a URL the provider can fetch, or raise the limit."),
                "messages");
        }

        return download;
    }

    private static void CheckKind(MediaPart media, KimiMediaCapabilities caps, string name, string what, KimiMediaOptions options)
    {
        if (media.Kind == MediaKind.Image)
        {
            if (caps.Images != KimiMediaSupport.Supported && !options.AllowUnconfirmedImages)
            {
                throw new NotSupportedException(
                    $"{name} is not confirmed to take images for Kimi K2.6 ({caps.Source}); {what} was not sent. Use a host that takes them " +
                    $"({KimiProvider.BuiltInWhere(static p => p.Media.Images == KimiMediaSupport.Supported)}), or set KimiClientOptions.Media.AllowUnconfirmedImages = true " +
                    "to send it anyway (the provider's own error is surfaced if it refuses).");
            }

            return;
        }

        if (caps.Video != KimiMediaSupport.Supported && !options.AllowUnconfirmedVideo)
        {
            throw new NotSupportedException(
                $"{name} is not confirmed to take video for Kimi K2.6 ({caps.Source}); {what} was not sent. Send it to a host that takes video " +
                $"({KimiProvider.BuiltInWhere(static p => p.Media.Video == KimiMediaSupport.Supported)}), or set KimiClientOptions.Media.AllowUnconfirmedVideo = true to send it anyway.");
        }
    }

    private static void CheckMediaType(MediaPart media, string type, KimiMediaCapabilities caps, string name, string what)
    {
        var accepted = media.Kind == MediaKind.Image ? caps.ImageMediaTypes : caps.VideoMediaTypes;
        if (accepted is null || accepted.Contains(type))
        {
            return;
        }

        throw new NotSupportedException(
            $"{name} accepts {string.Join(", ", accepted.Select(static t => t[(t.IndexOf('/', StringComparison.Ordinal) + 1)..]).Distinct())} {media.Noun}s ({caps.Source}); " +
            $"{what} is {type}. Convert it{(media.Kind == MediaKind.Image ? " to PNG or JPEG" : " to MP4")}, or send it to another provider.");
    }

    internal static string Size(long bytes) => bytes >= 1024 * 1024
        ? (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB"
        : bytes.ToString(CultureInfo.InvariantCulture) + " bytes";
}
