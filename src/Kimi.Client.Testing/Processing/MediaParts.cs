using System.Buffers.Text;
using System.Text.Json;
using Kimi.Client.Testing.Dialects;

namespace Kimi.Client.Testing.Processing;

/// <summary>
/// Finds every <c>image_url</c>/<c>video_url</c> part, checks that <c>data:</c> URLs are well-formed base64 (what the SDK's
/// streamed encoding must produce), then applies the dialect's media rules.
/// </summary>
internal static class MediaParts
{
    public static EmulatorResponse? Check(EmulatorDialect dialect, ChatRequestContext request, EmulatedFiles files)
    {
        foreach (EmulatedMediaPart part in Find(request.Messages))
        {
            if (part.Url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && !IsWellFormedDataUrl(part.Url))
            {
                return dialect.Error(400, $"Invalid request: messages[{part.MessageIndex}]: the {part.Kind} data URL is not data:<type>;base64,<data>");
            }

            if (part.Kind == "image" && request.Has(EmulatorDeviation.ImagesRejected))
            {
                return dialect.Error(400, $"Invalid request: messages[{part.MessageIndex}]: image input is not supported");
            }

            if (part.IsHttp && request.Has(EmulatorDeviation.HttpImageUrlsAccepted))
            {
                continue; // fetched without complaint
            }

            if (dialect.CheckMedia(part, files) is { } rejection)
            {
                return rejection;
            }
        }

        return null;
    }

    /// <summary>The media parts of every message, in order.</summary>
    public static IEnumerable<EmulatedMediaPart> Find(JsonElement messages)
    {
        int index = 0;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            if (message.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String)
                    {
                        string? kind = type.ValueEquals("image_url") ? "image" : type.ValueEquals("video_url") ? "video" : null;
                        if (kind is not null && Url(part, kind + "_url") is { } url)
                        {
                            yield return new EmulatedMediaPart(kind, url, index, DataMediaType(url));
                        }
                    }
                }
            }

            index++;
        }
    }

    // image_url / video_url may be {"url":"…"} or a bare string (moonshot.md, Images and video).
    private static string? Url(JsonElement part, string property)
    {
        if (!part.TryGetProperty(property, out JsonElement media))
        {
            return null;
        }

        if (media.ValueKind == JsonValueKind.String)
        {
            return media.GetString();
        }

        return media.ValueKind == JsonValueKind.Object && media.TryGetProperty("url", out JsonElement url) && url.ValueKind == JsonValueKind.String
            ? url.GetString()
            : null;
    }

    private static string? DataMediaType(string url)
    {
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        int end = url.IndexOfAny([';', ','], 5);
        return end > 5 ? url[5..end] : null;
    }

    private static bool IsWellFormedDataUrl(string url)
    {
        int comma = url.IndexOf(',', StringComparison.Ordinal);
        return comma > 0
            && url.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase)
            && comma < url.Length - 1
            && Base64.IsValid(url.AsSpan(comma + 1));
    }
}
