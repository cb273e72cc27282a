namespace Kimi.Client;

/// <summary>The inference engine behind a <see cref="KimiProvider.SelfHosted"/> endpoint. They differ in the reasoning field they write.</summary>
public enum SelfHostedEngine
{
    /// <summary>vLLM: recent builds write reasoning as <c>reasoning</c>; older ones as <c>reasoning_content</c>.</summary>
    Vllm = 0,

    /// <summary>SGLang: writes <c>reasoning_content</c> and reports errors in a flat <c>{"object":"error"}</c> body.</summary>
    SGLang = 1,
}
