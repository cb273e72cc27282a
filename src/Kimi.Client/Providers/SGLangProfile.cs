namespace Kimi.Client.Providers;

/// <summary>A self-hosted SGLang server (spec: vllm-sglang.md).</summary>
internal static class SGLangProfile
{
    public static ProviderProfile Instance { get; } = new()
    {
        Provider = KimiProvider.SelfHosted,
        Dialect = "sglang",
        DisplayName = "self-hosted SGLang",
        DefaultModel = "moonshotai/Kimi-K2.6",
        ApiKeyEnvironmentVariable = "KIMI_API_KEY",
        RequiresApiKey = false,
        ThinkingSwitch = ThinkingSwitch.ChatTemplateKwargs,
        PreserveThinkingConfirmed = true,
        MaxTokensField = "max_completion_tokens",            // SGLang marks max_tokens deprecated
        SendsRecommendedSampling = true,
        ReasoningWriteFields = ["reasoning_content"],
        RequestIdHeaders = ["x-request-id"],
        // SGLang's schema has video_url, but the model card keeps video to the official API.
        Media = MediaCapabilities.OpenAiCompatible(MediaSupport.Supported, MediaSupport.Unsupported, "the model card keeps video to Moonshot's API"),
    };
}
