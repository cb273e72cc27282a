namespace Kimi.Client;

public partial record KimiProvider
{
    /// <summary>
    /// A self-hosted vLLM server (spec: vllm-sglang.md). Set <see cref="KimiClientOptions.Endpoint"/>; the key
    /// (<c>KIMI_API_KEY</c>) is only needed when the server was started with <c>--api-key</c>.
    /// </summary>
    public static KimiProvider Vllm => LazyInitializer.EnsureInitialized(ref field, static () => new KimiProvider()
    {
        Name = "Vllm",
        DisplayName = "self-hosted vLLM",
        Dialect = "vllm",
        Model = "moonshotai/Kimi-K2.6",
        ApiKeyVariable = "KIMI_API_KEY",
        RequiresApiKey = false,                                 // only if the server was started with --api-key
        ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargs, // never enable_thinking: it leaks reasoning into content
        PreserveThinkingConfirmed = true,
        MaxTokensField = "max_completion_tokens",
        SendsRecommendedSampling = true,
        ReasoningWriteFields = ["reasoning", "reasoning_content"], // which one a build forwards to the template is unconfirmed: both
        // The server fetches http(s) image URLs; video is "only supported in our official API for now" (model card).
        Media = KimiMediaCapabilities.OpenAICompatible(KimiMediaSupport.Supported, KimiMediaSupport.Unsupported, "the model card keeps video to Moonshot's API"),
    });
}
