namespace Kimi.Client.Testing;

/// <summary>Settings for a <see cref="KimiEmulator"/>: which provider's dialect it speaks and how strict it is.</summary>
/// <remarks>
/// <see cref="Provider"/> is read once, by the <see cref="KimiEmulator"/> constructor. The other
/// settings are read on every request, so a test may change them between requests (not while one is in flight).
/// </remarks>
public sealed class KimiEmulatorOptions
{
    /// <summary>
    /// Gets or sets the host whose dialect the emulator speaks (chosen by its <see cref="KimiProvider.Dialect"/>, so a host
    /// derived from a built-in one is served in that one's dialect). Defaults to <see cref="KimiProvider.Moonshot"/>.
    /// </summary>
    public KimiProvider Provider { get; set; } = KimiProvider.Moonshot;

    /// <summary>Gets or sets the only API key accepted as <c>Authorization: Bearer &lt;key&gt;</c>.</summary>
    /// <remarks>
    /// When <see langword="null"/>, the hosted dialects (Moonshot, DeepInfra, NVIDIA, Cloudflare) accept any non-empty bearer token,
    /// and a self-hosted server or the local Ollama daemon requires no authentication at all, as a vLLM or SGLang server started
    /// without <c>--api-key</c>. Set it to make the Ollama dialect check ollama.com's bearer key.
    /// </remarks>
    public string? ApiKey { get; set; }

    /// <summary>Gets the model ids the emulator serves; any other id gets the dialect's "unknown model" error.</summary>
    /// <remarks>
    /// When the list is empty, the <see cref="KimiEmulator"/> constructor adds the host's own id (<see cref="KimiProvider.Model"/>:
    /// <c>kimi-k2.6</c> on Moonshot, <c>moonshotai/Kimi-K2.6</c> on DeepInfra, vLLM and SGLang …). Ids compare ordinally.
    /// </remarks>
    public IList<string> AcceptedModels { get; } = new List<string>();

    /// <summary>Gets or sets the pause between two streamed events. Defaults to <see cref="TimeSpan.Zero"/>.</summary>
    public TimeSpan ChunkDelay { get; set; }

    /// <summary>Gets or sets the context window, in tokens, that prompt plus requested output may not exceed. Defaults to 262,144.</summary>
    /// <remarks>Prompt tokens are estimated deterministically as one token per four UTF-8 bytes of the <c>messages</c> and <c>tools</c> JSON.</remarks>
    public int ContextWindow { get; set; } = 262144;

    /// <summary>Gets or sets whether replies report prefix-cache hits as <c>cached_tokens</c>. Defaults to <see langword="true"/>.</summary>
    /// <remarks>
    /// The cached part of a prompt is the part that repeats, byte for byte from the start, the previous request of the same
    /// conversation (the <c>tools</c> JSON, then the <c>messages</c> JSON), at one token per four bytes. A conversation is
    /// identified by the model and its opening messages, up to and including the first <c>user</c> message. A reply's own
    /// <see cref="EmulatorReply.CachedTokens"/> wins when set.
    /// </remarks>
    public bool PrefixCaching { get; set; } = true;

    /// <summary>
    /// Gets the deviations from the dialect's documented behaviour to emulate (none by default): a deployment that ignores the
    /// thinking switch, puts reasoning in the other field, rewrites tool-call ids, drops <c>[DONE]</c> … Each is one change.
    /// </summary>
    public ISet<EmulatorDeviation> Deviations { get; } = new HashSet<EmulatorDeviation>();

    /// <summary>Gets or sets how many of the most recent requests <see cref="KimiEmulator.Requests"/> keeps; <see langword="null"/> (the default) keeps all.</summary>
    /// <remarks>Long runs (thousands of requests with large histories) set it to keep the emulator's memory bounded.</remarks>
    public int? MaxRecordedRequests { get; set; }
}
