namespace Kimi.Client;

public partial record KimiProvider
{
    /// <summary>DeepInfra's OpenAI route (<c>https://api.deepinfra.com/v1/openai</c>, <c>DEEPINFRA_API_KEY</c>; spec: deepinfra.md).</summary>
    public static KimiProvider DeepInfra => LazyInitializer.EnsureInitialized(ref field, static () => new KimiProvider()
    {
        Name = "DeepInfra",
        DisplayName = "DeepInfra",
        Dialect = "deepinfra",
        Endpoint = new Uri("https://api.deepinfra.com/v1/openai"), // without /openai: 405, no body
        Model = "moonshotai/Kimi-K2.6",
        ApiKeyVariable = "DEEPINFRA_API_KEY",
        Pricing = new KimiPricing(0.75m, 0.15m, 3.50m),
        ThinkingSwitch = KimiThinkingSwitch.ReasoningEffort,  // K2.6 support unconfirmed: derive with ChatTemplateKwargs if it is ignored
        PreserveThinkingConfirmed = false,                    // no switch documented
        MaxTokensField = "max_tokens",
        MaxOutputTokensLimit = 16_384,                        // documented cap; clamp-or-reject unconfirmed → warn
        MaxOutputTokensLimitIsHard = false,
        SendsRecommendedSampling = true,
        SendsStreamIncludeUsage = false,                      // usage always rides on the finish chunk
        ModelsPathConfirmed = false,                          // a model list on the OpenAI route is unconfirmed: attempted
        EndpointHint = "DeepInfra's base URL is https://api.deepinfra.com/v1/openai.",
        // Seed 000: "image input is not exposed through the API"; models.dev: text, image, video. Neither is a recorded call.
        Media = KimiMediaCapabilities.OpenAICompatible(KimiMediaSupport.Unconfirmed, KimiMediaSupport.Unsupported,
            "DeepInfra's docs disagree on Kimi K2.6 images; the model card keeps video to Moonshot's API"),
    });
}
