namespace Kimi.Client;

public partial record KimiProvider
{
    // Moonshot's vision guide: png, jpeg, webp, gif; mp4, mpeg, mov, avi, x-flv, mpg, webm, wmv, 3gpp (both spellings accepted).
    private static KimiMediaCapabilities MoonshotMedia => new()
    {
        Images = KimiMediaSupport.Supported,
        Video = KimiMediaSupport.Supported,       // kimi-k2.6 only
        FetchesHttpUrls = false,                  // http(s) → 400 "Invalid request: unsupported image url: https://…"
        ReadsFileIds = true,                      // ms://<file-id> after POST /v1/files (purpose image|video)
        HasFilesApi = true,
        ImageMediaTypes = ["image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif"],
        VideoMediaTypes = ["video/mp4", "video/mpeg", "video/mpg", "video/quicktime", "video/mov", "video/x-msvideo", "video/avi", "video/x-flv", "video/webm", "video/x-ms-wmv", "video/wmv", "video/3gpp"],
        Source = "Moonshot's vision guide",
    };

    /// <summary>
    /// Moonshot AI's own platform, international region (<c>https://api.moonshot.ai/v1</c>, keys from platform.kimi.ai,
    /// <c>MOONSHOT_API_KEY</c>): the reference dialect. Keys of the China platform do not work here: use <see cref="MoonshotChina"/>.
    /// </summary>
    public static KimiProvider Moonshot => LazyInitializer.EnsureInitialized(ref field, static () => new KimiProvider()
    {
        Name = "Moonshot",
        DisplayName = "Moonshot",
        Dialect = "moonshot",
        Endpoint = new Uri("https://api.moonshot.ai/v1"),
        OtherRegionEndpoint = new Uri("https://api.moonshot.cn/v1"),
        Model = "kimi-k2.6",
        ApiKeyVariable = "MOONSHOT_API_KEY",
        Pricing = new KimiPricing(0.95m, 0.16m, 4.00m),   // $ per million input / cached / output tokens
        ThinkingSwitch = KimiThinkingSwitch.ThinkingObject,
        PreserveThinkingConfirmed = true,                 // thinking.keep = "all" on kimi-k2.6
        PreserveThinkingRejectedModels = ["kimi-k2.5"],   // "keep" → 400 on kimi-k2.5
        MaxTokensField = "max_completion_tokens",         // max_tokens is deprecated
        MaxOutputTokensLimit = 262_144,                   // context-bound: input + output ≤ 262,144
        MaxOutputTokensLimitIsHard = true,
        DefaultMaxOutputTokens = 16_000,                  // omitted → "a reasonable integer such as 1024", too low with thinking
        SamplingIsPinned = true,                          // non-default temperature/top_p/n/penalties → 400
        RequiresReasoningOnToolCallTurns = true,          // "thinking is enabled but reasoning_content is missing …"
        UpstreamNames = ["Moonshot AI", "moonshotai"],    // OpenRouter's provider name and slug: its relayed answers are Moonshot's own
        RequestIdHeaders = ["x-request-id", "x-trace-id"],
        RejectsForcedToolChoiceWhileThinking = true,      // tool_choice 'required'/'specified' is incompatible with thinking
        StripsSchemaKeyword = true,
        RequiresTypedToolSchemaProperties = true,         // "nested properties without type" are rejected
        RetryHintPattern = @"try again after (\d+(?:\.\d+)?) ?s(?:ec(?:ond)?s?)?\b", // "… please try again after 1 seconds"
        AuthenticationHint =
            "The request went to api.moonshot.ai, the international platform (platform.kimi.ai). Keys work in one region only: a key created on " +
            "platform.kimi.com / platform.moonshot.cn belongs to the China platform and must be used with KimiProvider.MoonshotChina (api.moonshot.cn). " +
            "Kimi Code keys work on neither.",
        Media = MoonshotMedia,
        TokenCountPath = "tokenizers/estimate-token-count",   // moonshot.md, Platform beyond chat
        BalancePath = "users/me/balance",
        HasWebSearchTool = true,                          // builtin_function $web_search
        HasPartialMode = true,                            // "partial": true on the final assistant message
        ToolCallIdFormat = "{name}_{index}",              // recorded get_weather_0
        ReportsCachedTokens = true,                       // automatic context caching
        RateTiers =
        [
            new("Tier0", 3, 500_000, 1),
            new("Tier1", 200, 2_000_000, 50) { IsVerified = false },   // only Tier0 and Tier5 are in the spec
            new("Tier2", 500, 3_000_000, 100) { IsVerified = false },
            new("Tier3", 5_000, 3_000_000, 200) { IsVerified = false },
            new("Tier4", 5_000, 4_000_000, 400) { IsVerified = false },
            new("Tier5", 10_000, 5_000_000, 1_000),
        ],
    });

    /// <summary>
    /// Moonshot AI's China platform (<c>https://api.moonshot.cn/v1</c>, keys from platform.kimi.com / platform.moonshot.cn):
    /// the same dialect and model id as <see cref="Moonshot"/>, separate keys, balances in CNY. Prices in CNY are not published
    /// in the spec, so <see cref="Pricing"/> is unset (cost budgets need explicit prices).
    /// </summary>
    public static KimiProvider MoonshotChina => LazyInitializer.EnsureInitialized(ref field, static () => Moonshot with
    {
        Name = "MoonshotChina",
        DisplayName = "Moonshot (China)",
        Endpoint = new Uri("https://api.moonshot.cn/v1"),
        OtherRegionEndpoint = new Uri("https://api.moonshot.ai/v1"),
        Pricing = null,
        Currency = "CNY",
        AuthenticationHint =
            "The request went to api.moonshot.cn, the China platform (platform.kimi.com). Keys work in one region only: a key created on " +
            "platform.kimi.ai / platform.moonshot.ai belongs to the international platform and must be used with KimiProvider.Moonshot (api.moonshot.ai). " +
            "Kimi Code keys work on neither.",
        RateTiers = [], // per-region tiers are unconfirmed
    });
}
