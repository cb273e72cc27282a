namespace Kimi.Client;

/// <summary>Whether Kimi thinks before answering, translated into each provider's own switch.</summary>
public enum ThinkingMode
{
    /// <summary>Thinking on (Kimi K2.6's default): the model reasons first and the reasoning is returned separately.</summary>
    Enabled = 0,

    /// <summary>Thinking off ("instant" mode): no reasoning, faster and cheaper answers.</summary>
    Disabled = 1,

    /// <summary>
    /// Thinking on, and the reasoning of every earlier assistant turn is sent back and used by the model
    /// (Moonshot's <c>keep:"all"</c>, vLLM/SGLang's <c>preserve_thinking</c>).
    /// </summary>
    Preserved = 2,
}
