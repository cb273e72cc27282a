namespace Kimi.Client.Providers;

/// <summary>A self-hosted vLLM server (spec: vllm-sglang.md).</summary>
internal static class VllmProfile
{
    public static ProviderProfile Instance { get; } = new()
    {
        Provider = KimiProvider.SelfHosted,
        Dialect = "vllm",
        DisplayName = "self-hosted vLLM",
        DefaultModel = "moonshotai/Kimi-K2.6",
        ApiKeyEnvironmentVariable = "KIMI_API_KEY",
        RequiresApiKey = false,                              // only if the server was started with --api-key
        ThinkingSwitch = ThinkingSwitch.ChatTemplateKwargs,  // never enable_thinking: it leaks reasoning into content
        PreserveThinkingConfirmed = true,
        MaxTokensField = "max_completion_tokens",
        SendsRecommendedSampling = true,
        // Which name a given build forwards to the chat template is unconfirmed: write both.
        ReasoningWriteFields = ["reasoning", "reasoning_content"],
        RequestIdHeaders = ["x-request-id"],
        // The server fetches http(s) image URLs; video is "only supported in our official API for now" (model card).
        Media = MediaCapabilities.OpenAiCompatible(MediaSupport.Supported, MediaSupport.Unsupported, "the model card keeps video to Moonshot's API"),
    };
}
