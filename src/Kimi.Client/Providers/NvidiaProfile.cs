namespace Kimi.Client.Providers;

/// <summary>NVIDIA's API catalog, served by vLLM behind NVCF (spec: nvidia.md).</summary>
internal static class NvidiaProfile
{
    public static ProviderProfile Instance { get; } = new()
    {
        Provider = KimiProvider.Nvidia,
        Dialect = "nvidia",
        DisplayName = "NVIDIA",
        DefaultEndpoint = new Uri("https://integrate.api.nvidia.com/v1"),
        DefaultModel = "moonshotai/kimi-k2.6",
        ApiKeyEnvironmentVariable = "NVIDIA_API_KEY",
        ThinkingSwitch = ThinkingSwitch.ChatTemplateKwargs, // default unconfirmed: always sent explicitly
        PreserveThinkingConfirmed = false,                  // preserve_thinking likely, not documented
        MaxTokensField = "max_tokens",
        MaxOutputTokensLimit = 65_536,                      // documented range 1–65,536
        MaxOutputTokensLimitIsHard = true,
        SendsRecommendedSampling = true,
        ReasoningWriteFields = ["reasoning_content"],
        StringOnlyContentRoles = [MessageRole.System, MessageRole.Assistant], // "the object list format is not supported"
        RequestIdHeaders = ["NVCF-REQID", "x-request-id"],
        // image_url by URL or base64 is documented; video_url is in the API reference but the model card says official API only.
        Media = MediaCapabilities.OpenAiCompatible(MediaSupport.Supported, MediaSupport.Unconfirmed, "NVIDIA lists video_url, but the model card keeps video to Moonshot's API"),
    };
}
