namespace Kimi.Client;

/// <summary>
/// Which provider dialect and model produced a message's reasoning. Reasoning is only replayed to the same
/// dialect and model; elsewhere it is dropped (or replaced by a placeholder where the provider requires the field).
/// </summary>
/// <param name="Dialect">The provider dialect, for example <c>moonshot</c> or <c>vllm</c>.</param>
/// <param name="Model">The model id the reasoning came from.</param>
public sealed record ReasoningOrigin(string Dialect, string Model);
