namespace Kimi.Client;

/// <summary>Whether and which tools the model must call (<c>tool_choice</c>).</summary>
public sealed class ToolChoice
{
    private ToolChoice(string mode, string? functionName)
    {
        Mode = mode;
        FunctionName = functionName;
    }

    /// <summary>The model decides (<c>auto</c>).</summary>
    public static ToolChoice Auto { get; } = new("auto", null);

    /// <summary>The model must not call tools (<c>none</c>).</summary>
    public static ToolChoice None { get; } = new("none", null);

    /// <summary>The model must call at least one tool (<c>required</c>). Moonshot rejects this while thinking is on.</summary>
    public static ToolChoice Required { get; } = new("required", null);

    /// <summary>The model must call this function. Moonshot rejects this while thinking is on.</summary>
    /// <param name="name">The function name.</param>
    /// <returns>The choice.</returns>
    public static ToolChoice Function(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new("function", name);
    }

    /// <summary><c>auto</c>, <c>none</c>, <c>required</c> or <c>function</c>.</summary>
    public string Mode { get; }

    /// <summary>For a named function choice, the function's name.</summary>
    public string? FunctionName { get; }

    /// <summary>Whether this choice forces a call (<c>required</c> or a named function).</summary>
    public bool IsForced => Mode is "required" or "function";

    /// <inheritdoc/>
    public override string ToString() => FunctionName is null ? Mode : $"function:{FunctionName}";
}
