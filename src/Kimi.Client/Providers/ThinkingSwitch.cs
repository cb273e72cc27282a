namespace Kimi.Client;

/// <summary>How a thinking on/off/preserve setting is written into the request. Each provider has a default; override it for custom deployments.</summary>
public enum ThinkingSwitch
{
    /// <summary>Moonshot's object: <c>"thinking":{"type":"enabled"|"disabled"[,"keep":"all"]}</c>.</summary>
    ThinkingObject = 0,

    /// <summary>The chat-template form used by vLLM, SGLang and NVIDIA: <c>"chat_template_kwargs":{"thinking":bool[,"preserve_thinking":true]}</c>.</summary>
    ChatTemplateKwargs = 1,

    /// <summary>DeepInfra's generic switch: <c>"reasoning_effort":"none"</c> to turn thinking off; nothing is sent to keep it on.</summary>
    ReasoningEffort = 2,
}
