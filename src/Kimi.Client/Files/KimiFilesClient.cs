using System.Net.Http.Headers;
using System.Text.Json;
using Kimi.Client.Errors;
using Kimi.Client.Files;
using Kimi.Client.Http;

namespace Kimi.Client;

/// <summary>
/// Moonshot's files API (<c>POST/GET/DELETE {base}/files</c>): upload an image or video once, then send it as
/// <c>ms://&lt;id&gt;</c> (<see cref="ImagePart.FromFileId"/>, <see cref="VideoPart.FromFileId"/>) instead of inlining it in
/// every request. Get one from <see cref="KimiClient.GetFilesClient"/>; it shares the client's connection pool and retries.
/// </summary>
/// <remarks>
/// Thread-safe. Only Moonshot has a files API for Kimi; on other providers every call throws <see cref="NotSupportedException"/>
/// (check <see cref="IsSupported"/>). Members are virtual for mocking.
/// </remarks>
public class KimiFilesClient
{
    private const int MaxResponseBytes = 4 * 1024 * 1024;
    private static readonly ProductInfoHeaderValue UserAgent = new("Kimi.Client", typeof(KimiFilesClient).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");

    private readonly HttpClient _http = null!;
    private readonly ClientSettings _settings = null!;
    private readonly Uri _filesUri = null!;

    /// <summary>For mocking only: creates a client whose members must all be overridden.</summary>
    protected KimiFilesClient()
    {
    }

    internal KimiFilesClient(HttpClient http, ClientSettings settings)
    {
        _http = http;
        _settings = settings;
        _filesUri = new Uri(settings.Endpoint.AbsoluteUri.TrimEnd('/') + "/files");
    }

    /// <summary>The provider this client calls.</summary>
    public virtual KimiProvider Provider => _settings.Profile;

    /// <summary>Whether the provider has a files API for media (Moonshot only).</summary>
    public virtual bool IsSupported => _settings.Profile.Media.HasFilesApi;

    /// <summary>Uploads an image or video file.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="purpose">Image or video; when omitted, taken from the media type (sniffed from the bytes, else the extension).</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The uploaded file; send it with <see cref="ImagePart.FromFileId"/> or <see cref="VideoPart.FromFileId"/>.</returns>
    /// <exception cref="NotSupportedException">The provider has no files API (only Moonshot has one).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="ArgumentException">The media type is unknown or does not match <paramref name="purpose"/>.</exception>
    /// <exception cref="KimiApiException">The provider refused the upload.</exception>
    public virtual Task<KimiFile> UploadAsync(string path, KimiFilePurpose? purpose = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        EnsureSupported();
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No file to upload at '{path}'.", path);
        }

        var kind = purpose is { } p ? ToKind(p) : KindOf(path);
        MediaPart media = kind == MediaKind.Image ? ImagePart.FromFile(path) : VideoPart.FromFile(path);
        return UploadCoreAsync(media, Path.GetFileName(path), cancellationToken);
    }

    /// <summary>Uploads an image or video from a stream (a non-seekable one is buffered once, so a retry re-sends the same bytes).</summary>
    /// <param name="content">The stream, positioned at the start of the media.</param>
    /// <param name="fileName">The name to upload it under, for example <c>clip.mp4</c>.</param>
    /// <param name="purpose">Image or video.</param>
    /// <param name="mediaType">Its media type; when omitted, sniffed from the first bytes, else taken from <paramref name="fileName"/>.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The uploaded file.</returns>
    /// <exception cref="NotSupportedException">The provider has no files API (only Moonshot has one).</exception>
    /// <exception cref="ArgumentException">The media type is unknown or does not match <paramref name="purpose"/>.</exception>
    /// <exception cref="KimiApiException">The provider refused the upload.</exception>
    public virtual async Task<KimiFile> UploadAsync(Stream content, string fileName, KimiFilePurpose purpose, string? mediaType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        EnsureSupported();
        mediaType ??= MediaTypes.FromExtension(fileName);
        MediaPart media = ToKind(purpose) == MediaKind.Image
            ? await ImagePart.FromStreamAsync(content, mediaType, cancellationToken).ConfigureAwait(false)
            : await VideoPart.FromStreamAsync(content, mediaType, cancellationToken).ConfigureAwait(false);
        return await UploadCoreAsync(media, fileName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists the files uploaded with this key.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The files, as the provider lists them.</returns>
    /// <exception cref="NotSupportedException">The provider has no files API (only Moonshot has one).</exception>
    /// <exception cref="KimiApiException">The provider returned an error.</exception>
    public virtual async Task<IReadOnlyList<KimiFile>> ListAsync(CancellationToken cancellationToken = default)
    {
        EnsureSupported();
        using var request = new HttpRequestMessage(HttpMethod.Get, _filesUri);
        using var document = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var files = new List<KimiFile>();
        if (document.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                files.Add(ReadFile(item));
            }
        }

        return files;
    }

    /// <summary>Deletes an uploaded file; messages that still reference it will fail.</summary>
    /// <param name="fileId">The file's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><see langword="true"/> when the provider confirmed the deletion.</returns>
    /// <exception cref="NotSupportedException">The provider has no files API (only Moonshot has one).</exception>
    /// <exception cref="KimiApiException">The provider returned an error (for example 404 for an unknown id).</exception>
    public virtual async Task<bool> DeleteAsync(string fileId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileId);
        EnsureSupported();
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(_filesUri.AbsoluteUri + "/" + Uri.EscapeDataString(fileId)));
        using var document = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return !document.RootElement.TryGetProperty("deleted", out var deleted) || deleted.ValueKind != JsonValueKind.False;
    }

    private async Task<KimiFile> UploadCoreAsync(MediaPart media, string fileName, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(media.Kind == MediaKind.Image ? "image" : "video"), "purpose");
        form.Add(new MediaUploadContent(media), "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, _filesUri) { Content = form };
        using var document = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return ReadFile(document.RootElement);
    }

    private async Task<JsonDocument> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await SendCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (KimiException ex) when (Scrubbed(ex))
        {
            throw; // unreachable: Scrubbed returns false
        }
    }

    // Where the files client's exceptions leave the library: their text passes through the client's scrubber.
    private bool Scrubbed(KimiException exception)
    {
        exception.Scrubber ??= _settings.Scrubber;
        return false;
    }

    private async Task<JsonDocument> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_settings.ApiKey is { } key)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(UserAgent);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new KimiConnectionException($"Could not reach {_settings.Profile.DisplayName}'s files API at {_settings.Scrubber.ScrubEndpoint(_filesUri)}: {_settings.Scrubber.Scrub(ex.Message)}", Provider, ex);
        }

        using (response)
        {
            var requestId = ResponseInfo.Read(_settings, response).RequestId;
            byte[] body;
            if (!response.IsSuccessStatusCode)
            {
                body = await BodyReader.ReadPrefixAsync(response.Content, MaxResponseBytes, _settings.Options.Resilience.IdleTimeout, _settings.Time, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    using var whole = await BodyReader.ReadAsync(response.Content, MaxResponseBytes, _settings.Options.Resilience.IdleTimeout, _settings.Time, cancellationToken).ConfigureAwait(false);
                    body = System.Buffers.BuffersExtensions.ToArray(whole.Bytes);
                }
                catch (Exception ex) when (ex is BodyTooLargeException or BodyStalledException or HttpRequestException)
                {
                    throw new KimiResponseFormatException(
                        $"{_settings.Profile.DisplayName}'s files API answer could not be read: {_settings.Scrubber.Scrub(ex.Message)}", Provider, requestId, innerException: ex) { Scrubber = _settings.Scrubber };
                }
            }

            if (!response.IsSuccessStatusCode)
            {
                var retryAfter = RetryAfter.FromHeaders(response.Headers, _settings.Time.GetUtcNow());
                throw KimiErrorFactory.Create(_settings.Profile, response.StatusCode, ProviderErrorParser.Parse(body), requestId, retryAfter, _settings.Scrubber);
            }

            try
            {
                return JsonDocument.Parse(body);
            }
            catch (JsonException ex)
            {
                throw new KimiResponseFormatException(
                    $"{_settings.Profile.DisplayName}'s files API answered {(int)response.StatusCode} with a body that is not JSON. Check KimiClientOptions.Endpoint.", Provider, requestId, innerException: ex);
            }
        }
    }

    private static KimiFile ReadFile(JsonElement item)
    {
        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static long Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
        return new KimiFile(
            Text(item, "id") ?? string.Empty,
            Text(item, "filename") ?? string.Empty,
            Text(item, "purpose") ?? string.Empty,
            Number(item, "bytes"),
            DateTimeOffset.FromUnixTimeSeconds(Number(item, "created_at")),
            Text(item, "status"));
    }

    private void EnsureSupported()
    {
        if (!IsSupported)
        {
            throw new NotSupportedException(
                $"{_settings.Profile.DisplayName} has no files API for Kimi. Send the media inline (ImagePart/VideoPart.FromFile, FromBytes or FromStream), " +
                $"or use a client for a host that has one ({KimiProvider.BuiltInWhere(static p => p.Media.HasFilesApi)}).");
        }
    }

    private static MediaKind ToKind(KimiFilePurpose purpose) => purpose switch
    {
        KimiFilePurpose.Image => MediaKind.Image,
        KimiFilePurpose.Video => MediaKind.Video,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose), purpose, "Use KimiFilePurpose.Image or KimiFilePurpose.Video."),
    };

    private static MediaKind KindOf(string path)
    {
        Span<byte> header = stackalloc byte[MediaTypes.SniffLength];
        int read;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            read = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        var type = MediaTypes.Sniff(header[..read]) ?? MediaTypes.FromExtension(path)
            ?? throw new ArgumentException($"Could not tell whether '{Path.GetFileName(path)}' is an image or a video: pass the purpose (KimiFilePurpose.Image or Video).", nameof(path));
        return type.StartsWith("video/", StringComparison.Ordinal) ? MediaKind.Video : MediaKind.Image;
    }
}
