namespace Kimi.Client;

public partial record KimiProvider
{
    /// <summary>
    /// OpenRouter (<c>https://openrouter.ai/api/v1</c>, <c>OPENROUTER_API_KEY</c>, keys <c>sk-or-v1-…</c>), a router that sends
    /// <c>moonshotai/kimi-k2.6</c> to one of several upstreams (Moonshot AI's own API, or vLLM/SGLang deployments at other
    /// quantizations) (spec: openrouter.md).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Thinking is the <c>reasoning</c> object, on/off only for K2.6 (<see cref="KimiThinkingSwitch.ReasoningObject"/>); effort
    /// levels are not sent (a warning). Reasoning is read from <c>reasoning</c>, <c>reasoning_content</c> and
    /// <c>reasoning_details</c>; the details are kept verbatim (<see cref="ChatCompletion.ReasoningDetails"/>) and sent back with
    /// <c>reasoning</c> on tool-call turns, to OpenRouter only, bound to the model that answered (<see cref="ChatCompletion.Model"/>
    /// names the dated slug). <c>max_tokens</c> is always sent (without it OpenRouter reserves credits for the model's maximum).
    /// </para>
    /// <para>
    /// Route with <see cref="Routing"/> (the <c>provider</c> object; <see cref="OpenRouterRouting.PinMoonshot"/> for tool loops),
    /// <see cref="FallbackModels"/> (<c>models</c>) and <see cref="ChatCompletionOptions.SessionId"/> (<c>session_id</c>, sticky
    /// routing and caching; agents set one per run); attribute with <see cref="Attribution"/>. The reported
    /// <see cref="TokenUsage.Cost"/> wins over <see cref="Pricing"/> (a snapshot: prices vary by upstream).
    /// </para>
    /// </remarks>
    public static KimiProvider OpenRouter => LazyInitializer.EnsureInitialized(ref field, static () => new KimiProvider()
    {
        Name = "OpenRouter",
        DisplayName = "OpenRouter",
        Dialect = "openrouter",
        ToolCallIdFormat = null,                          // the upstream's format (get_weather_0, functions.get_weather:0 …): opaque (openrouter.md)
        Endpoint = new Uri("https://openrouter.ai/api/v1"),
        Model = "moonshotai/kimi-k2.6",
        ApiKeyVariable = "OPENROUTER_API_KEY",
        Pricing = new KimiPricing(0.55m, 0.11m, 3.20m),          // models.dev snapshot of 2026-06-30; varies by upstream
        ReportsCost = true,                                      // usage.cost on every answer
        ThinkingSwitch = KimiThinkingSwitch.ReasoningObject,     // {"enabled":true} / {"effort":"none"} / omitted
        PreserveThinkingConfirmed = false,                       // no preserve form exists
        DropsReasoningEffort = true,                             // K2.6 is on/off only; effort values unconfirmed
        ReasoningWriteFields = ["reasoning"],                    // with reasoning_details, as OpenRouter's own provider sends
        ReasoningDetailsField = "reasoning_details",
        ReasoningPlaceholderField = "reasoning_content",         // the fix that worked for Moonshot upstreams (gptme#1187, pi#5309)
        RequiresReasoningOnToolCallTurns = true,                 // a Moonshot upstream answers 400, wrapped
        BindsReasoningToResponseModel = true,                    // responses name moonshotai/kimi-k2.6-20260420; models fallbacks
        MaxTokensField = "max_tokens",
        DefaultMaxOutputTokens = 16_000,                         // always sent: no cap means a credit check at the model maximum
        SendsRecommendedSampling = false,                        // sampling is the upstream's business unless the caller sets it
        SendsStreamIncludeUsage = false,                         // usage always comes; stream_options is deprecated
        ToolCallOnlyContent = KimiToolCallContent.Null,          // content:null on tool-call-only turns (OpenRouter's provider 2.9.1)
        SessionIdField = "session_id",                           // the body field wins over the x-session-id header
        MaxSessionIdLength = 256,
        EndUserIdField = "user",
        TakesRoutingPreferences = true,
        CompletionIdHeaders = ["x-generation-id"],
        RequestIdHeaders = ["x-generation-id"],
        WaitsUpToMaxRetryAfter = true,                           // retry hints mirror upstream limits: capped, not refused
        AuthenticationHint = "OpenRouter keys start with sk-or-v1- and are created at https://openrouter.ai/settings/keys; a disabled key or a key over its limit also answers 401.",
        ModelNotFoundHint =
            "Kimi K2.6 is 'moonshotai/kimi-k2.6' on OpenRouter. A 404 also means the routing left no endpoint: check Routing (Only, Ignore, " +
            "Quantizations, DataCollection, Zdr, MaxPrice) and the account's privacy settings.",
        // OpenRouter lists text and image input for K2.6; video is not listed.
        Media = KimiMediaCapabilities.OpenAICompatible(KimiMediaSupport.Supported, KimiMediaSupport.Unconfirmed,
            "OpenRouter lists image input for Kimi K2.6; video is not listed"),
    });
}
