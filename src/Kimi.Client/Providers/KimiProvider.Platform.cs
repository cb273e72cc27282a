namespace Kimi.Client;

// Calls beyond chat (spec: moonshot.md "Platform beyond chat", conformance 48f): which ones a host has, and where.
public partial record KimiProvider
{
    /// <summary>
    /// The model list's path under <see cref="Endpoint"/> (<c>models</c>, that is <c>GET {base}/models</c>), or
    /// <see langword="null"/> when the host has none (<see cref="KimiPlatformClient.GetModelsAsync"/> then fails before sending).
    /// Default: <c>models</c>, which every OpenAI-compatible server serves.
    /// </summary>
    public string? ModelsPath { get; init; } = "models";

    /// <summary>
    /// Whether <see cref="ModelsPath"/> is documented for this host. When not (DeepInfra's OpenAI route), the call is still
    /// attempted, and a 404 or 405 becomes <see cref="KimiFeatureUnavailableException"/>. Default: <see langword="true"/>.
    /// </summary>
    public bool ModelsPathConfirmed { get; init; } = true;

    /// <summary>
    /// The token-count path under <see cref="Endpoint"/> (Moonshot: <c>tokenizers/estimate-token-count</c>), or
    /// <see langword="null"/> when the host has none; <see cref="KimiPlatformClient.EstimateTokensAsync"/> then returns a local
    /// estimate flagged <see cref="KimiTokenCount.IsEstimate"/>.
    /// </summary>
    public string? TokenCountPath { get; init; }

    /// <summary>
    /// The account-balance path under <see cref="Endpoint"/> (Moonshot: <c>users/me/balance</c>), or <see langword="null"/> when
    /// the host has none (<see cref="KimiPlatformClient.GetBalanceAsync"/> then fails before sending). Amounts are in <see cref="Currency"/>.
    /// </summary>
    public string? BalancePath { get; init; }

    /// <summary>
    /// Whether the host runs Moonshot's built-in <c>$web_search</c> tool (<see cref="ChatCompletionOptions.WebSearch"/>); a
    /// <c>builtin_function</c> tool is not a valid OpenAI tool type anywhere else, so elsewhere the option is refused before sending.
    /// </summary>
    public bool HasWebSearchTool { get; init; }

    /// <summary>
    /// Whether the host continues a final assistant message marked <c>"partial": true</c> (Moonshot's partial mode;
    /// <see cref="ChatCompletionOptions.Prefill"/>, <see cref="KimiMessage.Prefill"/>); elsewhere a prefill is refused before sending.
    /// </summary>
    public bool HasPartialMode { get; init; }
}
