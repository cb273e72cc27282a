namespace Kimi.Client;

/// <summary>
/// Which provider dialect and model produced a message's reasoning. Reasoning is only replayed to the same
/// dialect and model; elsewhere it is dropped (or replaced by a placeholder where the provider requires the field).
/// </summary>
/// <param name="Dialect">The provider dialect, for example <c>moonshot</c> or <c>vllm</c>.</param>
/// <param name="Model">The model id the reasoning came from (the one the response named, on hosts that bind reasoning to it).</param>
public sealed record ReasoningOrigin(string Dialect, string Model)
{
    /// <summary>
    /// The upstream a router sent the call to (OpenRouter's <c>provider</c>, such as <c>Moonshot AI</c>), or <see langword="null"/>
    /// when the host served it itself. A host whose <see cref="KimiProvider.UpstreamNames"/> include it takes the reasoning back.
    /// </summary>
    public string? Upstream { get; init; }
}
