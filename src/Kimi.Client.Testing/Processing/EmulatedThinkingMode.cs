namespace Kimi.Client.Testing.Processing;

/// <summary>Whether the model thinks for a request, as the dialect's switch decided.</summary>
internal enum EmulatedThinkingMode
{
    On,
    Off,

    /// <summary>The template thinks but the reasoning parser is off: the chain of thought arrives in <c>content</c> (vLLM/SGLang <c>enable_thinking:false</c>).</summary>
    LeaksIntoContent,

    /// <summary>The model thinks but the reasoning is not returned (OpenRouter's <c>reasoning.exclude:true</c>): thinking rules still apply.</summary>
    Hidden,
}
