namespace Kimi.Client;

/// <summary>How the <c>content</c> of an assistant message that only calls tools (no text) is written.</summary>
public enum KimiToolCallContent
{
    /// <summary>No <c>content</c> key at all (conformance 12; Moonshot, DeepInfra, NVIDIA, vLLM, SGLang).</summary>
    Omitted = 0,

    /// <summary><c>"content":null</c> (Ollama: a missing or null content is only valid beside <c>tool_calls</c>).</summary>
    Null = 1,

    /// <summary><c>"content":""</c> (Cloudflare Workers AI: the only shape seen working on every path).</summary>
    EmptyString = 2,
}
