using System.Diagnostics.CodeAnalysis;

namespace Kimi.Client;

/// <summary>
/// How hard the model should think, for hosts that take an effort level besides on/off (<c>reasoning_effort</c> on Ollama
/// and Cloudflare Workers AI). An open value: hosts spell their levels differently, and any value is sent verbatim.
/// </summary>
/// <remarks>
/// Whether a level changes Kimi K2.6's thinking at all is unconfirmed on every host (catalogs list only an on/off toggle),
/// so a level is sent only where the host's <see cref="KimiProvider.ReasoningEffortConfirmed"/> says so or the caller sets
/// <see cref="KimiClientOptions.AllowUnconfirmedReasoningEffort"/>. To turn thinking off, use <see cref="ThinkingMode.Disabled"/>.
/// </remarks>
public readonly struct KimiReasoningEffort : IEquatable<KimiReasoningEffort>
{
    private readonly string? _value;

    /// <summary>Creates an effort level from the host's own spelling.</summary>
    /// <param name="value">The value, sent verbatim (for example <c>low</c>).</param>
    /// <exception cref="ArgumentException"><paramref name="value"/> is empty or blank.</exception>
    public KimiReasoningEffort(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _value = value;
    }

    /// <summary><c>low</c>.</summary>
    public static KimiReasoningEffort Low { get; } = new("low");

    /// <summary><c>medium</c>.</summary>
    public static KimiReasoningEffort Medium { get; } = new("medium");

    /// <summary><c>high</c>.</summary>
    public static KimiReasoningEffort High { get; } = new("high");

    /// <summary><c>max</c> (Ollama).</summary>
    public static KimiReasoningEffort Max { get; } = new("max");

    /// <summary>The value sent on the wire.</summary>
    public string Value => _value ?? string.Empty;

    /// <inheritdoc/>
    public bool Equals(KimiReasoningEffort other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is KimiReasoningEffort other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the wire value.</summary>
    /// <returns>The value.</returns>
    public override string ToString() => Value;

    /// <summary>Compares two levels by wire value.</summary>
    /// <param name="left">The first level.</param>
    /// <param name="right">The second level.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(KimiReasoningEffort left, KimiReasoningEffort right) => left.Equals(right);

    /// <summary>Compares two levels by wire value.</summary>
    /// <param name="left">The first level.</param>
    /// <param name="right">The second level.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(KimiReasoningEffort left, KimiReasoningEffort right) => !left.Equals(right);
}
