namespace Kimi.Client;

/// <summary>The hosts that serve Kimi K2.6. Each one speaks its own dialect of the OpenAI chat-completions API.</summary>
public enum KimiProvider
{
    /// <summary>Moonshot AI's own platform (<c>https://api.moonshot.ai/v1</c>): the reference behaviour.</summary>
    Moonshot = 0,

    /// <summary>DeepInfra's OpenAI-compatible route (<c>https://api.deepinfra.com/v1/openai</c>).</summary>
    DeepInfra = 1,

    /// <summary>NVIDIA's hosted API catalog (<c>https://integrate.api.nvidia.com/v1</c>).</summary>
    Nvidia = 2,

    /// <summary>A self-hosted vLLM or SGLang server; set <see cref="KimiClientOptions.Engine"/> and <see cref="KimiClientOptions.Endpoint"/>.</summary>
    SelfHosted = 3,
}
