using System.Net.Http.Headers;

namespace Kimi.Client;

/// <summary>
/// For hosts that do not fetch URLs (Moonshot, Ollama), with <see cref="KimiMediaOptions.InlineHttpUrls"/>: downloads http(s) media (bounded in size and time, never
/// with the API key) before the request is sent, so it goes out inline as a <c>data:</c> URL.
/// </summary>
internal static class MediaDownloader
{
    public static async Task InlineAsync(ChatRequest request, HttpClient http, CancellationToken cancellationToken)
    {
        var options = request.Settings.Options.Media;
        var provider = request.Profile;
        foreach (var part in request.MediaToDownload!)
        {
            if (request.InlinedMedia?.ContainsKey(part) == true)
            {
                continue;
            }

            var uri = part.Uri!;
            var shown = uri.GetLeftPart(UriPartial.Path); // no query: it may carry a signature
            using var timeout = new CancellationTokenSource(options.DownloadTimeout, request.Settings.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            byte[] bytes;
            string? contentType;
            try
            {
                using var message = new HttpRequestMessage(HttpMethod.Get, uri);
                message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(part.Kind == MediaKind.Image ? "image/*" : "video/*"));
                using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw Failed(provider, part, shown, $"the server answered {(int)response.StatusCode} {response.ReasonPhrase}", null);
                }

                if (response.Content.Headers.ContentLength is { } declared && declared > options.MaxDownloadBytes)
                {
                    throw TooLarge(provider, part, shown, declared, options.MaxDownloadBytes);
                }

                contentType = response.Content.Headers.ContentType?.MediaType;
                bytes = await ReadBoundedAsync(response.Content, options.MaxDownloadBytes, linked.Token).ConfigureAwait(false)
                    ?? throw TooLarge(provider, part, shown, null, options.MaxDownloadBytes);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw Failed(provider, part, shown, $"it took longer than {options.DownloadTimeout.TotalSeconds:0.#} s (KimiClientOptions.Media.DownloadTimeout)", ex);
            }
            catch (HttpRequestException ex)
            {
                throw Failed(provider, part, shown, ex.Message, ex);
            }

            if (bytes.Length == 0)
            {
                throw Failed(provider, part, shown, "it is empty", null);
            }

            // A generic or wrong Content-Type is common on CDNs: sniff, then the URL's extension.
            var declaredType = contentType is not null && contentType.StartsWith(part.Kind == MediaKind.Image ? "image/" : "video/", StringComparison.OrdinalIgnoreCase)
                ? contentType
                : null;
            string type;
            try
            {
                type = MediaTypes.Resolve(part.Kind, declaredType, bytes.AsSpan(0, Math.Min(bytes.Length, MediaTypes.SniffLength)), uri.AbsolutePath, $"the download from {shown}");
            }
            catch (ArgumentException ex)
            {
                throw Failed(provider, part, shown, ex.Message, ex);
            }

            var inline = part.Kind == MediaKind.Image ? (MediaPart)ImagePart.FromBytes(bytes, type) : VideoPart.FromBytes(bytes, type);
            MediaValidator.Check([KimiMessage.User(inline)], request.Profile, options); // media type and size, as for the caller's own bytes
            (request.InlinedMedia ??= []).Add(part, inline);
        }
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, long max, CancellationToken cancellationToken)
    {
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var buffer = new MemoryStream();
        var chunk = new byte[MediaPart.ChunkSize];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static KimiException TooLarge(KimiProvider provider, MediaPart part, string shown, long? size, long max) =>
        Failed(provider, part, shown, $"it is {(size is { } s ? MediaValidator.Size(s) + ", " : string.Empty)}over the {MediaValidator.Size(max)} limit (KimiClientOptions.Media.MaxDownloadBytes)", null);

    private static KimiException Failed(KimiProvider provider, MediaPart part, string shown, string why, Exception? inner) => new(
        $"Could not download the {part.Noun} at {shown} to inline it for {provider.DisplayName} (which does not fetch URLs): {why}. Nothing was sent. " +
        $"Pass the bytes ({(part.Kind == MediaKind.Image ? "ImagePart" : "VideoPart")}.FromFile or FromBytes) or upload it (KimiClient.GetFilesClient()) instead.",
        provider, innerException: inner);
}
