namespace Kimi.Client;

public partial record KimiProvider
{
    /// <summary>
    /// Cloudflare Workers AI's OpenAI-compatible route, account-scoped
    /// (<c>https://api.cloudflare.com/client/v4/accounts/{AccountId}/ai/v1</c>, or the AI Gateway route with
    /// <see cref="GatewayId"/>), model <c>@cf/moonshotai/kimi-k2.6</c>, API token from <c>CLOUDFLARE_API_TOKEN</c> and account id
    /// from <see cref="AccountId"/> or <c>CLOUDFLARE_ACCOUNT_ID</c> (spec: cloudflare.md). Needs the Workers Paid plan.
    /// </summary>
    /// <remarks>
    /// Set <see cref="ChatCompletionOptions.SessionId"/> once per conversation: it travels as <c>x-session-affinity</c> and keeps
    /// the prompt cache warm. What Cloudflare has not confirmed is refused unless opted in: video
    /// (<see cref="KimiMediaOptions.AllowUnconfirmedVideo"/>), image URLs (<see cref="KimiMediaOptions.AllowUnconfirmedHttpUrls"/>),
    /// effort levels (<see cref="KimiClientOptions.AllowUnconfirmedReasoningEffort"/>), forced tool choice while thinking
    /// (<see cref="KimiClientOptions.AllowUnconfirmedForcedToolChoice"/>); the <c>enable_thinking</c> spelling and a second
    /// <c>reasoning_content</c> write-back are host variants (<see cref="KimiThinkingSwitch.ChatTemplateKwargsOffWithEnableThinking"/>,
    /// <c>ReasoningWriteFields = ["reasoning", "reasoning_content"]</c>).
    /// </remarks>
    public static KimiProvider CloudflareWorkersAI => LazyInitializer.EnsureInitialized(ref field, static () => new KimiProvider()
    {
        Name = "CloudflareWorkersAI",
        DisplayName = "Cloudflare Workers AI",
        Dialect = "cloudflare",
        EndpointTemplate = "https://api.cloudflare.com/client/v4/accounts/{AccountId}/ai/v1",
        GatewayEndpointTemplate = "https://gateway.ai.cloudflare.com/v1/{AccountId}/{GatewayId}/workers-ai/v1",
        AccountIdVariable = "CLOUDFLARE_ACCOUNT_ID",
        Model = "@cf/moonshotai/kimi-k2.6",
        RequiredModelPrefix = "@cf/",                            // "moonshotai/kimi-k2.6" alone is "Model not found"
        ModelsPathConfirmed = false,                             // a model list on the OpenAI route is unconfirmed: attempted
        ModelWarnings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["@cf/moonshotai/kimi-k2.5"] = "deprecated since 2026-05-30: Cloudflare serves it as Kimi K2.6 at K2.6's higher price; use @cf/moonshotai/kimi-k2.6.",
        },
        ApiKeyVariable = "CLOUDFLARE_API_TOKEN",
        Pricing = new KimiPricing(0.95m, 0.16m, 4.00m),         // billed in Neurons at $0.011 per 1,000
        ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargsOffOnly, // K2.6 docs: chat_template_kwargs.thinking, default on
        PreserveThinkingConfirmed = false,
        ReasoningWriteFields = ["reasoning"],                    // what Cloudflare's own provider sends; which one K2.6 reads is unconfirmed
        MaxTokensField = "max_completion_tokens",                // max_tokens is deprecated in the schema
        MaxOutputTokensLimit = 256_000,                          // models.dev only: unconfirmed, so a warning
        DefaultMaxOutputTokens = 16_000,                         // the server default is unconfirmed: always send one
        SendsRecommendedSampling = true,
        ToolCallOnlyContent = KimiToolCallContent.EmptyString,   // null failed as a 5006 type mismatch on other models
        ForcedToolChoiceWhileThinkingConfirmed = false,          // required may be advisory; with thinking on unconfirmed
        ReasoningEffortField = "reasoning_effort",               // low/medium/high in the schema; effect on K2.6 unconfirmed
        ReasoningEffortConfirmed = false,
        SessionIdHeader = "x-session-affinity",                  // same replica, prompt-cache hits
        RequestIdHeaders = ["cf-aig-log-id", "cf-ray"],
        ErrorMessagePrefixes = ["AiError:"],                     // "AiError: AiError: Capacity temporarily exceeded …"
        ErrorRules = CloudflareErrorRules,
        AuthenticationHint = "A Cloudflare API token needs the Workers AI Read and Workers AI Edit permissions, and Kimi K2.6 needs the Workers Paid plan.",
        ModelNotFoundHint = "Kimi K2.6 is '@cf/moonshotai/kimi-k2.6' on Workers AI.",
        RateTiers = [new("Default", 300, null, null)],           // Text Generation default; capacity 429s (3040) happen below it
        // Catalog: vision; images as base64 data URLs in Cloudflare's own provider; remote URLs and video unconfirmed.
        Media = new KimiMediaCapabilities
        {
            Images = KimiMediaSupport.Supported,
            Video = KimiMediaSupport.Unconfirmed,
            FetchesHttpUrls = false,
            MayFetchHttpUrls = true,
            Source = "Cloudflare's catalog lists vision; remote image URLs and video are unconfirmed for Kimi K2.6",
        },
    });

    // Workers AI's v4-envelope codes (cloudflare.md, Errors). Status: what an error in a 200 body stands for.
    private static KimiErrorRule[] CloudflareErrorRules =>
    [
        new() { Code = "3040", Status = 429, Kind = KimiErrorKind.RateLimit, Advice = "Workers AI is out of capacity for Kimi K2.6 right now (code 3040): retried with backoff; lower concurrency or fail over to another provider." },
        new() { Code = "3021", Status = 429, Kind = KimiErrorKind.RateLimit },
        new() { Code = "3036", Status = 429, Kind = KimiErrorKind.QuotaExceeded, Advice = "The account's daily free allocation of 10,000 Neurons is used up (code 3036); it resets at 00:00 UTC, so the call was not retried. Kimi K2.6 needs the Workers Paid plan." },
        new() { Code = "5035", Status = 403, Kind = KimiErrorKind.Authentication, Advice = "Kimi K2.6 needs the Workers Paid plan since 2026-07-28 (code 5035 on Workers Free): upgrade the account in the Cloudflare dashboard." },
        new() { Code = "3023", Status = 403, Kind = KimiErrorKind.Authentication, Advice = "The Cloudflare account is blocked from Workers AI (code 3023)." },
        new() { Code = "10000", Status = 401, Kind = KimiErrorKind.Authentication },
        new() { Code = "7003", Status = 404, Kind = KimiErrorKind.BadRequest, Advice = "Cloudflare could not route the URL: the account id in it ('{AccountId}') is wrong. Set AccountId to the 32-character id from the Cloudflare dashboard (not an API token)." },
        new() { Code = "7000", Status = 400, Kind = KimiErrorKind.BadRequest, Advice = "Cloudflare has no route for this URL: check AccountId, GatewayId and Endpoint." },
        new() { Code = "5007", Status = 400, Kind = KimiErrorKind.ModelNotFound },
        new() { Code = "3042", Status = 404, Kind = KimiErrorKind.ModelNotFound },
        new() { Code = "3006", Status = 413, Kind = KimiErrorKind.BadRequest, Advice = "The request is too large for Workers AI (code 3006): shorten the history or send smaller images." },
        new() { Code = "8006", Status = 400, Kind = KimiErrorKind.BadRequest, Advice = "Workers AI refuses a forced tool call on a reasoning model with this small an output cap (code 8006): raise MaxOutputTokens or use ToolChoice.Auto." },
        new() { Code = "3007", Status = 408, Kind = KimiErrorKind.Server },
        new() { Code = "3008", Status = 408, Kind = KimiErrorKind.Server },
        new() { Code = "7009", Status = 502, Kind = KimiErrorKind.Server },
    ];
}
