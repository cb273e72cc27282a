namespace Kimi.Client;

public partial record KimiProvider
{
    /// <summary>NVIDIA's API catalog, served by vLLM behind NVCF (<c>https://integrate.api.nvidia.com/v1</c>, <c>NVIDIA_API_KEY</c>; spec: nvidia.md).</summary>
    public static KimiProvider Nvidia => LazyInitializer.EnsureInitialized(ref field, static () => new KimiProvider()
    {
        Name = "Nvidia",
        DisplayName = "NVIDIA",
        Dialect = "nvidia",
        Endpoint = new Uri("https://integrate.api.nvidia.com/v1"),
        Model = "moonshotai/kimi-k2.6",
        ApiKeyVariable = "NVIDIA_API_KEY",
        ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargs, // default unconfirmed: always sent explicitly
        PreserveThinkingConfirmed = false,                      // preserve_thinking likely, not documented
        MaxTokensField = "max_tokens",
        MaxOutputTokensLimit = 65_536,                          // documented range 1–65,536
        MaxOutputTokensLimitIsHard = true,
        SendsRecommendedSampling = true,
        StringOnlyContentRoles = [MessageRole.System, MessageRole.Assistant], // "the object list format is not supported"
        RequestIdHeaders = ["NVCF-REQID", "x-request-id"],
        RequestIdAlwaysSent = true,                             // NVCF stamps every response
        ModelNotFoundHint = "NVIDIA withdraws catalog models from time to time.",
        RateTiers = [new("Free", 40, null, null)],              // about 40 requests per minute
        // image_url by URL or base64 is documented; video_url is in the API reference but the model card says official API only.
        Media = KimiMediaCapabilities.OpenAICompatible(KimiMediaSupport.Supported, KimiMediaSupport.Unconfirmed,
            "NVIDIA lists video_url, but the model card keeps video to Moonshot's API"),
    });
}
