namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P9: (a) a 16×16 red PNG as a data URL is seen ("red"); opt-in (b) a public https image URL is treated as the profile says
/// (Moonshot refuses URLs, others fetch them); opt-in (c) a tiny MP4 is taken or refused as the profile says. The SDK's own
/// media rules are set aside for these calls, so what is judged is the host.
/// </summary>
internal sealed class MediaProbe : Probe
{
    public const string ImagePrompt = "One word: what colour is this image?";
    public const string VideoPrompt = "One word: what colour is this video?";

    public override string Id => "P9";

    public override string Name => "Image and video acceptance";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var media = context.Profile.Media;
        check.Expected = $"data-URL image {Expect(media.Images)} and seen as red" +
                         (context.Options.IncludeHttpImage ? $"; https image URL {(media.FetchesHttpUrls ? "accepted" : "refused")}" : string.Empty) +
                         (context.Options.IncludeVideo ? $"; video {Expect(media.Video)}" : string.Empty);

        // The host is judged, not the SDK: its refusals before sending (unconfirmed or unsupported media, URL policy) are set aside.
        var open = media with { Images = KimiMediaSupport.Supported, Video = KimiMediaSupport.Supported, FetchesHttpUrls = true };
        using var client = context.NewClient(context.ProbeProfile with { Media = open }, configure: static o => o.Media.InlineHttpUrls = false);
        var options = new ChatCompletionOptions { Thinking = context.Off, MaxOutputTokens = 8 };

        var image = await context.CompleteAsync(check, client, [KimiMessage.User(new TextPart(ImagePrompt), ImagePart.FromBytes(ProbeMedia.RedPng, "image/png"))], options, cancellationToken).ConfigureAwait(false);
        Judge(check, "image", media.Images, image, seen: image.Completion?.Text.Contains("red", StringComparison.OrdinalIgnoreCase), "media.image-rejected");

        if (context.Options.IncludeHttpImage)
        {
            var url = await context.CompleteAsync(check, client, [KimiMessage.User(new TextPart(ImagePrompt), ImagePart.FromUri(ProbeMedia.PublicImage))], options, cancellationToken).ConfigureAwait(false);
            if (!url.Succeeded && !url.IsRefusal)
            {
                check.Error("https image: " + url.Describe());
            }
            else if (url.Succeeded == media.FetchesHttpUrls)
            {
                check.Pass($"https image URL {(url.Succeeded ? "accepted" : "refused")}, as documented");
                check.Evidence(url.IsRefusal ? url.Describe() : null);
            }
            else
            {
                check.Deviation("media.url-policy", $"https image URL {(url.Succeeded ? "accepted" : $"refused ({url.Describe()})")}, the opposite of the profile (FetchesHttpUrls = {media.FetchesHttpUrls})");
            }
        }

        if (context.Options.IncludeVideo)
        {
            var video = await context.CompleteAsync(check, client, [KimiMessage.User(new TextPart(VideoPrompt), VideoPart.FromBytes(ProbeMedia.TinyMp4, "video/mp4"))], options, cancellationToken).ConfigureAwait(false);
            Judge(check, "video", media.Video, video, seen: null, "media.video");
        }
    }

    private static string Expect(KimiMediaSupport support) => support switch
    {
        KimiMediaSupport.Supported => "accepted",
        KimiMediaSupport.Unsupported => "refused",
        _ => "accepted or refused (unconfirmed)",
    };

    private static void Judge(CheckBuilder check, string what, KimiMediaSupport support, ProbeOutcome outcome, bool? seen, string code)
    {
        if (!outcome.Succeeded && !outcome.IsRefusal)
        {
            check.Error($"{what}: {outcome.Describe()}");
            return;
        }

        check.Evidence(outcome.Succeeded ? $"{what} answer: {outcome.Completion!.Text}" : outcome.Describe());
        switch (support, outcome.Succeeded)
        {
            case (KimiMediaSupport.Supported, true) when seen == false:
                check.Deviation(code, $"{what} accepted but not seen (the answer does not name the colour)");
                break;
            case (KimiMediaSupport.Supported, true):
                check.Pass($"{what} accepted");
                break;
            case (KimiMediaSupport.Supported, false):
                check.Deviation(code, $"{what} refused ({outcome.Describe()})");
                break;
            case (KimiMediaSupport.Unsupported, false):
                check.Pass($"{what} refused, as documented");
                break;
            case (KimiMediaSupport.Unsupported, true):
                check.Deviation(code, $"{what} accepted, though the profile says this host does not take it");
                break;
            case (_, true) when seen == false:
                check.Deviation(code, $"{what} accepted but not seen");
                break;
            default:
                check.Info(code.Replace("rejected", "unconfirmed", StringComparison.Ordinal), $"{what} {(outcome.Succeeded ? "accepted" : "refused")} (unconfirmed for this host)");
                break;
        }
    }
}
