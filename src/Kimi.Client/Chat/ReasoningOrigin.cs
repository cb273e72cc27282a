namespace Kimi.Client;

/// <summary>
/// Which provider dialect and model produced a message's reasoning. Reasoning is only replayed to the same
/// dialect and model; elsewhere it is dropped (or replaced by a placeholder where the provider requires the field).
/// </summary>
public sealed class ReasoningOrigin : IEquatable<ReasoningOrigin>
{
    /// <summary>Creates an origin.</summary>
    /// <param name="dialect">The host dialect, for example <c>moonshot</c> or <c>vllm</c>.</param>
    /// <param name="model">The model id the reasoning came from.</param>
    public ReasoningOrigin(string dialect, string model)
    {
        Dialect = dialect ?? throw new ArgumentNullException(nameof(dialect));
        Model = model ?? throw new ArgumentNullException(nameof(model));
    }

    /// <summary>The host dialect, for example <c>moonshot</c> or <c>vllm</c>.</summary>
    public string Dialect { get; }

    /// <summary>The model id the reasoning came from.</summary>
    public string Model { get; }

    /// <summary>
    /// The upstream a router sent the call to (OpenRouter's <c>provider</c>, such as <c>Moonshot AI</c>), or <see langword="null"/>
    /// when the host served it itself. A host whose <see cref="KimiProvider.UpstreamNames"/> include it takes the reasoning back.
    /// </summary>
    public string? Upstream { get; init; }

    /// <summary>Whether two origins are the same dialect, model and upstream.</summary>
    /// <param name="left">One origin.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(ReasoningOrigin? left, ReasoningOrigin? right) => Equals(left, right);

    /// <summary>Whether two origins differ.</summary>
    /// <param name="left">One origin.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(ReasoningOrigin? left, ReasoningOrigin? right) => !Equals(left, right);

    /// <inheritdoc/>
    public bool Equals(ReasoningOrigin? other) => other is not null && string.Equals(Dialect, other.Dialect, StringComparison.Ordinal) && string.Equals(Model, other.Model, StringComparison.Ordinal) && string.Equals(Upstream, other.Upstream, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ReasoningOrigin);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Dialect, Model, Upstream);

    /// <inheritdoc/>
    public override string ToString() => Upstream is null ? $"{Dialect}/{Model}" : $"{Dialect}/{Model} via {Upstream}";
}
