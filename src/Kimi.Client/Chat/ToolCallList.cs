using System.Collections;

namespace Kimi.Client;

/// <summary>
/// The tool-call fragments of one update, and the stream's shared facts beside them (one object where an array and a
/// field would be two): a chunk almost always carries one fragment, held without an array.
/// </summary>
internal class ToolCallList : UpdatePart, IReadOnlyList<ToolCallUpdate>
{
    private readonly object _calls; // a ToolCallUpdate, or a ToolCallUpdate[] of two or more

    /// <summary>Fragments read by the parser; bound to their stream's facts when the update is made (<see cref="For"/>).</summary>
    public ToolCallList(ToolCallUpdate call)
        : base(null) => _calls = call;

    /// <inheritdoc cref="ToolCallList(ToolCallUpdate)"/>
    public ToolCallList(ToolCallUpdate[] calls)
        : base(null) => _calls = calls.Length == 1 ? calls[0] : calls;

    public int Count => _calls is ToolCallUpdate[] many ? many.Length : 1;

    public ToolCallUpdate this[int index] => _calls switch
    {
        ToolCallUpdate[] many => many[index],
        ToolCallUpdate one when index == 0 => one,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <summary>
    /// <paramref name="calls"/> bound to <paramref name="metadata"/>: the parser's own list as it is, or any other list (a
    /// model factory's, the inline-reasoning splitter's, another update's bare arguments fragment) copied into a new one.
    /// </summary>
    public static ToolCallList For(IReadOnlyList<ToolCallUpdate> calls, StreamMetadata metadata)
    {
        if (calls is ToolCallList list and not ArgumentsOnlyList && (list.Metadata is null || ReferenceEquals(list.Metadata, metadata)))
        {
            list.Metadata = metadata;
            return list;
        }

        var copy = new ToolCallUpdate[calls.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = calls[i];
        }

        return new ToolCallList(copy) { Metadata = metadata };
    }

    public IEnumerator<ToolCallUpdate> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// The fragment of an update made from a bare arguments piece (<see cref="ChatCompletionUpdate.ToolCallUpdates"/> read on
/// it): the update's delta stays the arguments piece, never its content.
/// </summary>
internal sealed class ArgumentsOnlyList : ToolCallList
{
    public ArgumentsOnlyList(ToolCallUpdate call, StreamMetadata metadata)
        : base(call) => Metadata = metadata;
}
