using System.Globalization;
using System.Text.RegularExpressions;

namespace Kimi.Client.Providers;

/// <summary>Moonshot's own platform: the reference dialect (spec: moonshot.md).</summary>
internal static partial class MoonshotProfile
{
    public static ProviderProfile Instance { get; } = new()
    {
        Provider = KimiProvider.Moonshot,
        Dialect = "moonshot",
        DisplayName = "Moonshot",
        DefaultEndpoint = new Uri("https://api.moonshot.ai/v1"),
        DefaultModel = "kimi-k2.6",
        ApiKeyEnvironmentVariable = "MOONSHOT_API_KEY",
        ThinkingSwitch = ThinkingSwitch.ThinkingObject,
        PreserveThinkingConfirmed = true,                 // thinking.keep = "all" on kimi-k2.6
        PreserveThinkingRejectedModels = ["kimi-k2.5"],   // "keep" → 400 on kimi-k2.5
        MaxTokensField = "max_completion_tokens",         // max_tokens is deprecated
        MaxOutputTokensLimit = 262_144,                   // context-bound: input + output ≤ 262,144
        MaxOutputTokensLimitIsHard = true,
        DefaultMaxOutputTokens = 16_000,                  // omitted → "a reasonable integer such as 1024", too low with thinking
        SamplingIsPinned = true,                          // non-default temperature/top_p/n/penalties → 400
        ReasoningWriteFields = ["reasoning_content"],
        RequiresReasoningOnToolCallTurns = true,          // "thinking is enabled but reasoning_content is missing …"
        DefaultPricing = new KimiPricing(0.95m, 0.16m, 4.00m), // $ per million input / cached / output tokens
        RequestIdHeaders = ["x-request-id", "x-trace-id"],
        RejectsForcedToolChoiceWhileThinking = true,      // tool_choice 'required'/'specified' is incompatible with thinking
        StripsSchemaKeyword = true,
        RequiresTypedToolSchemaProperties = true,         // "nested properties without type" are rejected
        RetryAfterHint = ParseRetryHint,
        AuthenticationHint = "; keys from api.moonshot.cn and api.moonshot.ai are not interchangeable",
        Media = new()
        {
            Images = MediaSupport.Supported,
            Video = MediaSupport.Supported,               // kimi-k2.6 only
            FetchesHttpUrls = false,                      // http(s) → 400 "Invalid request: unsupported image url: https://…"
            ReadsFileIds = true,                          // ms://<file-id> after POST /v1/files (purpose image|video)
            HasFilesApi = true,
            // Vision guide: png, jpeg, webp, gif; mp4, mpeg, mov, avi, x-flv, mpg, webm, wmv, 3gpp (both spellings accepted).
            ImageMediaTypes = ["image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif"],
            VideoMediaTypes = ["video/mp4", "video/mpeg", "video/mpg", "video/quicktime", "video/mov", "video/x-msvideo", "video/avi", "video/x-flv", "video/webm", "video/x-ms-wmv", "video/wmv", "video/3gpp"],
            Source = "Moonshot's vision guide",
        },
    };

    // "… reached max request: 3, please try again after 1 seconds"
    private static TimeSpan? ParseRetryHint(string message)
    {
        var match = TryAgainAfter().Match(message);
        return match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
               seconds < TimeSpan.MaxValue.TotalSeconds // a 20-digit "N" would throw OverflowException
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    [GeneratedRegex(@"try again after (\d+(?:\.\d+)?) ?s(?:ec(?:ond)?s?)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TryAgainAfter();
}
