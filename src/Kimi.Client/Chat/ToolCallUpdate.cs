namespace Kimi.Client;

/// <summary>A streamed fragment of a tool call. Fragments with the same <see cref="Index"/> belong to one call.</summary>
public sealed class ToolCallUpdate
{
    /// <summary>Creates a fragment. Prefer <see cref="KimiModelFactory.ToolCallUpdate"/> in tests.</summary>
    /// <param name="index">The call's position among the turn's calls.</param>
    /// <param name="id">The call id, usually only on the first fragment.</param>
    /// <param name="name">The function name (or a piece of it), usually only on the first fragment.</param>
    /// <param name="argumentsDelta">The next piece of the arguments' JSON text.</param>
    public ToolCallUpdate(int index, string? id, string? name, string? argumentsDelta)
    {
        Index = index;
        Id = id;
        Name = name;
        ArgumentsDelta = argumentsDelta;
    }

    /// <summary>The call's position among the turn's calls (assigned by array order when the provider omits it).</summary>
    public int Index { get; }

    /// <summary>The call id, when this fragment carries it.</summary>
    public string? Id { get; }

    /// <summary>The function name or a piece of it, when this fragment carries it.</summary>
    public string? Name { get; }

    /// <summary>The next piece of the arguments' JSON text, when this fragment carries one.</summary>
    public string? ArgumentsDelta { get; }

    /// <summary>A fragment that is only the next piece of a call's arguments (no id, name or type).</summary>
    internal static ToolCallUpdate ArgumentsOnly(int index, bool indexWasExplicit, string? argumentsDelta) =>
        new(index, null, null, argumentsDelta) { IndexWasExplicit = indexWasExplicit };

    /// <summary>The call's <c>type</c> when the fragment carries one other than <c>function</c> (<c>builtin_function</c>).</summary>
    internal string? Type { get; init; }

    /// <summary>Whether the provider sent the index, or it was taken from the fragment's position in the chunk.</summary>
    internal bool IndexWasExplicit { get; init; } = true;
}
