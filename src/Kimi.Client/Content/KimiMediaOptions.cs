namespace Kimi.Client;

/// <summary>
/// How images and videos are checked and sent. Each provider's documented rules are built in (see the README's media
/// table); these settings override the unconfirmed ones and bound what is inlined or downloaded.
/// </summary>
/// <remarks>
/// The spec gives no size limits for any provider, so <see cref="MaxInlineImageBytes"/> and <see cref="MaxInlineVideoBytes"/>
/// are this library's defaults: a part over them fails before sending and names the way out (upload to Moonshot, or raise the limit).
/// </remarks>
public sealed class KimiMediaOptions
{
    /// <summary>
    /// Sends image parts to providers where Kimi K2.6's image input is unconfirmed (DeepInfra: its docs say not exposed, its
    /// catalog says yes). The provider's own error comes back verbatim if it refuses. Default: <see langword="false"/> (throws before sending).
    /// </summary>
    public bool AllowUnconfirmedImages { get; set; }

    /// <summary>
    /// Sends video parts to providers other than Moonshot (DeepInfra, NVIDIA, vLLM, SGLang), where Kimi's video input is
    /// unconfirmed or, per the model card, "only supported in our official API". Default: <see langword="false"/>
    /// (<see cref="NotSupportedException"/> before sending).
    /// </summary>
    public bool AllowUnconfirmedVideo { get; set; }

    /// <summary>
    /// On hosts that refuse http(s) media URLs (Moonshot: 400 <c>unsupported image url</c>; Ollama: base64 only) or may not fetch
    /// them (Cloudflare Workers AI): download them (without your API key), bounded by <see cref="MaxDownloadBytes"/> and
    /// <see cref="DownloadTimeout"/>, and send them inline as <c>data:</c> URLs. Default: <see langword="false"/>
    /// (<see cref="NotSupportedException"/> before sending).
    /// </summary>
    public bool InlineHttpUrls { get; set; }

    /// <summary>
    /// Sends http(s) media URLs as given to hosts where fetching them is unconfirmed (<see cref="KimiMediaCapabilities.MayFetchHttpUrls"/>:
    /// Cloudflare Workers AI); the provider's own error comes back if it refuses. Default: <see langword="false"/>
    /// (<see cref="NotSupportedException"/> before sending, unless <see cref="InlineHttpUrls"/> inlines them).
    /// </summary>
    public bool AllowUnconfirmedHttpUrls { get; set; }

    /// <summary>The largest download <see cref="InlineHttpUrls"/> accepts. Default: 20 MiB.</summary>
    public long MaxDownloadBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>How long one download for <see cref="InlineHttpUrls"/> may take. Default: 30 s.</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest image sent inline (bytes, file, stream or <c>data:</c> URL). Default: 20 MiB.</summary>
    public long MaxInlineImageBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>The largest video sent inline; larger ones should be uploaded to Moonshot and sent as <c>ms://</c>. Default: 100 MiB.</summary>
    public long MaxInlineVideoBytes { get; set; } = 100 * 1024 * 1024;

    internal IEnumerable<string> Validate()
    {
        if (MaxDownloadBytes <= 0)
        {
            yield return $"Kimi:Media:MaxDownloadBytes must be positive; got {MaxDownloadBytes}.";
        }

        if (DownloadTimeout <= TimeSpan.Zero)
        {
            yield return $"Kimi:Media:DownloadTimeout must be positive; got {DownloadTimeout}.";
        }

        if (MaxInlineImageBytes <= 0)
        {
            yield return $"Kimi:Media:MaxInlineImageBytes must be positive; got {MaxInlineImageBytes}.";
        }

        if (MaxInlineVideoBytes <= 0)
        {
            yield return $"Kimi:Media:MaxInlineVideoBytes must be positive; got {MaxInlineVideoBytes}.";
        }
    }

    internal KimiMediaOptions Clone() => (KimiMediaOptions)MemberwiseClone();
}
