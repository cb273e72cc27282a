namespace Kimi.Client.Providers;

/// <summary>DeepInfra's OpenAI route (spec: deepinfra.md).</summary>
internal static class DeepInfraProfile
{
    public static ProviderProfile Instance { get; } = new()
    {
        Provider = KimiProvider.DeepInfra,
        Dialect = "deepinfra",
        DisplayName = "DeepInfra",
        DefaultEndpoint = new Uri("https://api.deepinfra.com/v1/openai"), // without /openai: 405, no body
        DefaultModel = "moonshotai/Kimi-K2.6",
        ApiKeyEnvironmentVariable = "DEEPINFRA_API_KEY",
        ThinkingSwitch = ThinkingSwitch.ReasoningEffort,  // K2.6 support unconfirmed: overridable to chat_template_kwargs
        PreserveThinkingConfirmed = false,                // no switch documented
        MaxTokensField = "max_tokens",
        MaxOutputTokensLimit = 16_384,                    // documented cap; clamp-or-reject unconfirmed → warn
        MaxOutputTokensLimitIsHard = false,
        SendsRecommendedSampling = true,
        ReasoningWriteFields = ["reasoning_content"],
        SendsStreamIncludeUsage = false,                  // usage always rides on the finish chunk
        DefaultPricing = new KimiPricing(0.75m, 0.15m, 3.50m), // $ per million input / cached / output tokens
        RequestIdHeaders = ["x-request-id"],
        // Seed 000: "image input is not exposed through the API"; models.dev: text, image, video. Neither is a recorded call.
        Media = MediaCapabilities.OpenAiCompatible(MediaSupport.Unconfirmed, MediaSupport.Unsupported, "DeepInfra's docs disagree on Kimi K2.6 images; the model card keeps video to Moonshot's API"),
    };
}
