namespace Kimi.Client.Testing;

/// <summary>A tool call the emulated model makes.</summary>
public sealed class EmulatorToolCall
{
    /// <summary>Creates a tool call.</summary>
    /// <param name="name">The function name.</param>
    /// <param name="arguments">The arguments, as the JSON text the model writes (sent verbatim, even when it is not valid JSON).</param>
    /// <param name="id">
    /// The tool-call id, or <see langword="null"/> for the dialect's own form: <c>{name}_{n}</c> on Moonshot,
    /// <c>functions.{name}:{n}</c> elsewhere, where <c>n</c> counts the tool calls already in the conversation.
    /// </param>
    public EmulatorToolCall(string name, string arguments, string? id = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Arguments = arguments ?? throw new ArgumentNullException(nameof(arguments));
        Id = id;
    }

    /// <summary>The function name.</summary>
    public string Name { get; }

    /// <summary>The arguments, as the JSON text the model writes.</summary>
    public string Arguments { get; }

    /// <summary>The tool-call id, or <see langword="null"/> for the dialect's own form.</summary>
    public string? Id { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}({Arguments})";
}
