namespace Kimi.Client.Providers;

/// <summary>
/// One provider's media rules, as data (spec: the "Images and video" section of each provider file, conformance 11).
/// Sizes the spec does not give come from <see cref="KimiMediaOptions"/>.
/// </summary>
internal sealed class MediaCapabilities
{
    /// <summary>Whether <c>image_url</c> parts are taken.</summary>
    public required MediaSupport Images { get; init; }

    /// <summary>Whether <c>video_url</c> parts are taken.</summary>
    public required MediaSupport Video { get; init; }

    /// <summary>Whether the provider fetches http(s) URLs itself (Moonshot does not: 400 <c>unsupported image url</c>).</summary>
    public required bool FetchesHttpUrls { get; init; }

    /// <summary>Whether <c>ms://&lt;file-id&gt;</c> references to uploaded files are understood (Moonshot only).</summary>
    public bool ReadsFileIds { get; init; }

    /// <summary>Whether <c>POST /files</c> (upload, list, delete) exists for media (Moonshot only).</summary>
    public bool HasFilesApi { get; init; }

    /// <summary>Image media types accepted, or <see langword="null"/> when the spec names none (not checked).</summary>
    public IReadOnlyList<string>? ImageMediaTypes { get; init; }

    /// <summary>Video media types accepted, or <see langword="null"/> when the spec names none (not checked).</summary>
    public IReadOnlyList<string>? VideoMediaTypes { get; init; }

    /// <summary>A note on where the rules come from, quoted in error messages.</summary>
    public required string Source { get; init; }

    /// <summary>Images by URL or data URL, no video: the OpenAI-compatible hosts where the model card keeps video to Moonshot.</summary>
    public static MediaCapabilities OpenAiCompatible(MediaSupport images, MediaSupport video, string source) => new()
    {
        Images = images,
        Video = video,
        FetchesHttpUrls = true,
        Source = source,
    };
}
