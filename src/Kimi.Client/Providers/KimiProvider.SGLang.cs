namespace Kimi.Client;

public partial record KimiProvider
{
    /// <summary>
    /// A self-hosted SGLang server (spec: vllm-sglang.md): like <see cref="Vllm"/>, but reasoning is written back only as
    /// <c>reasoning_content</c> and errors come in a flat <c>{"object":"error"}</c> body.
    /// </summary>
    public static KimiProvider SGLang => LazyInitializer.EnsureInitialized(ref field, static () => new KimiProvider()
    {
        Name = "SGLang",
        DisplayName = "self-hosted SGLang",
        Dialect = "sglang",
        Model = "moonshotai/Kimi-K2.6",
        ApiKeyVariable = "KIMI_API_KEY",
        RequiresApiKey = false,
        ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargs,
        PreserveThinkingConfirmed = true,
        MaxTokensField = "max_completion_tokens",               // SGLang marks max_tokens deprecated
        SendsRecommendedSampling = true,
        // SGLang's schema has video_url, but the model card keeps video to the official API.
        Media = KimiMediaCapabilities.OpenAICompatible(KimiMediaSupport.Supported, KimiMediaSupport.Unsupported, "the model card keeps video to Moonshot's API"),
    });
}
