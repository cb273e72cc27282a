namespace Kimi.Client;

/// <summary>A function call the model asked for, with its arguments as the raw JSON text it produced.</summary>
public sealed class ToolCall
{
    /// <summary>Creates a tool call.</summary>
    /// <param name="id">The provider's call id, kept verbatim (for example <c>functions.get_weather:0</c>).</param>
    /// <param name="name">The function name.</param>
    /// <param name="arguments">The arguments as JSON text.</param>
    /// <param name="argumentsError">Why <paramref name="arguments"/> is not valid JSON, or <see langword="null"/>.</param>
    public ToolCall(string id, string name, string arguments, string? argumentsError = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrEmpty(name);
        Id = id;
        Name = name;
        Arguments = arguments ?? string.Empty;
        ArgumentsError = argumentsError;
    }

    /// <summary>The call id, sent back unchanged in the tool result's <c>tool_call_id</c>.</summary>
    public string Id { get; }

    /// <summary>The function to call.</summary>
    public string Name { get; }

    /// <summary>The arguments exactly as the model wrote them (JSON text, possibly invalid: see <see cref="ArgumentsError"/>).</summary>
    public string Arguments { get; }

    /// <summary>When the model's arguments are not a valid JSON object, what is wrong with them; otherwise <see langword="null"/>.</summary>
    public string? ArgumentsError { get; }

    /// <summary>
    /// The call's type as the host sent it, echoed back unchanged: <c>function</c>, or <c>builtin_function</c> for a Moonshot
    /// built-in such as <c>$web_search</c> (<see cref="KimiWebSearch"/>).
    /// </summary>
    public string Type { get; init; } = "function";

    /// <inheritdoc/>
    public override string ToString() => $"{Name}({Arguments}) [{Id}]";
}
