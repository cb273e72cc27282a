using System.Diagnostics.CodeAnalysis;

namespace Kimi.Client;

/// <summary>
/// Why the model stopped. An open value: providers send values beyond the well-known ones (<c>unexpected_state</c>,
/// SGLang's <c>abort</c>, <c>eos</c>, even <c>""</c>); they are kept verbatim instead of failing the call.
/// </summary>
/// <remarks>Decide whether a turn asked for tools from <see cref="ChatCompletion.ToolCalls"/>, not from this value: engines differ.</remarks>
public readonly struct FinishReason : IEquatable<FinishReason>
{
    /// <summary>Creates a finish reason from the provider's raw value.</summary>
    /// <param name="value">The raw value, kept verbatim (it may be empty).</param>
    public FinishReason(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    private readonly string? _value;

    /// <summary>The model finished its answer (<c>stop</c>).</summary>
    public static FinishReason Stop { get; } = new("stop");

    /// <summary>The output-token limit was reached (<c>length</c>); with thinking on, reasoning may have used all of it.</summary>
    public static FinishReason Length { get; } = new("length");

    /// <summary>The model asked for tool calls (<c>tool_calls</c>).</summary>
    public static FinishReason ToolCalls { get; } = new("tool_calls");

    /// <summary>The provider filtered the output (<c>content_filter</c>).</summary>
    public static FinishReason ContentFilter { get; } = new("content_filter");

    /// <summary>The generation failed part-way (<c>error</c>): OpenRouter ends a choice so, and a stream's partial result carries it.</summary>
    public static FinishReason Error { get; } = new("error");

    /// <summary>The raw value the provider sent.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Whether this is one of <c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c> or <c>error</c>.</summary>
    public bool IsKnown => Value is "stop" or "length" or "tool_calls" or "content_filter" or "error";

    /// <inheritdoc/>
    public bool Equals(FinishReason other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is FinishReason other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the raw value.</summary>
    public override string ToString() => Value;

    /// <summary>Compares two finish reasons by raw value.</summary>
    public static bool operator ==(FinishReason left, FinishReason right) => left.Equals(right);

    /// <summary>Compares two finish reasons by raw value.</summary>
    public static bool operator !=(FinishReason left, FinishReason right) => !left.Equals(right);

    internal static FinishReason FromWire(string value) => value switch
    {
        "stop" => Stop,
        "length" => Length,
        "tool_calls" => ToolCalls,
        "content_filter" => ContentFilter,
        "error" => Error,
        _ => new FinishReason(value),
    };
}
