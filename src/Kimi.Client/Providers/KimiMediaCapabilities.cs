namespace Kimi.Client;

/// <summary>A host's rules for image and video parts, as data (the "Images and video" section of each host's spec).</summary>
/// <remarks>Sizes the spec does not give come from <see cref="KimiMediaOptions"/>.</remarks>
public sealed record KimiMediaCapabilities
{
    /// <summary>Whether <c>image_url</c> parts are taken.</summary>
    public required KimiMediaSupport Images { get; init; }

    /// <summary>Whether <c>video_url</c> parts are taken.</summary>
    public required KimiMediaSupport Video { get; init; }

    /// <summary>Whether the host fetches http(s) media URLs itself (Moonshot does not: 400 <c>unsupported image url</c>).</summary>
    public required bool FetchesHttpUrls { get; init; }

    /// <summary>
    /// Whether the host may fetch http(s) media URLs although no source confirms it (Cloudflare Workers AI). With
    /// <see cref="FetchesHttpUrls"/> <see langword="false"/>, such URLs are then sent as given only with
    /// <see cref="KimiMediaOptions.AllowUnconfirmedHttpUrls"/> (or downloaded and inlined with <see cref="KimiMediaOptions.InlineHttpUrls"/>).
    /// </summary>
    public bool MayFetchHttpUrls { get; init; }

    /// <summary>Whether <c>ms://&lt;file-id&gt;</c> references to uploaded files are understood (Moonshot only).</summary>
    public bool ReadsFileIds { get; init; }

    /// <summary>Whether a files API (upload, list, delete) exists for media (Moonshot only).</summary>
    public bool HasFilesApi { get; init; }

    /// <summary>Image media types accepted, or <see langword="null"/> when the host names none (not checked).</summary>
    public IReadOnlyList<string>? ImageMediaTypes { get; init; }

    /// <summary>Video media types accepted, or <see langword="null"/> when the host names none (not checked).</summary>
    public IReadOnlyList<string>? VideoMediaTypes { get; init; }

    /// <summary>Where the rules come from, quoted in error messages.</summary>
    public required string Source { get; init; }

    /// <summary>Images by URL or data URL, and the given video support: the OpenAI-compatible hosts.</summary>
    /// <param name="images">Image support.</param>
    /// <param name="video">Video support.</param>
    /// <param name="source">Where the rules come from.</param>
    /// <returns>The capabilities.</returns>
    public static KimiMediaCapabilities OpenAICompatible(KimiMediaSupport images, KimiMediaSupport video, string source) => new()
    {
        Images = images,
        Video = video,
        FetchesHttpUrls = true,
        Source = source,
    };
}
