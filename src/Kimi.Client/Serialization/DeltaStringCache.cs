using System.Text;
using System.Text.Json;

namespace Kimi.Client.Serialization;

/// <summary>
/// The short text deltas of one stream, reused. A model streams about one token per chunk, and within one answer the same
/// tokens (" the", ",", "\n\n") come back again and again: a small direct-mapped table hands back the string made the
/// last time instead of a new one. Only short, unescaped ASCII values are looked up (compared byte for char); anything
/// else is read as usual. The table is made only once a stream has sent enough deltas to pay for it. One per stream.
/// </summary>
internal struct DeltaStringCache
{
    /// <summary>The longest value looked up, in bytes: about one token.</summary>
    internal const int MaxLength = 8;

    private const int Slots = 128; // a power of two: the slot is the hash's low bits

    // Below this many deltas a stream reads its strings as usual: the table (about 1 KB) costs as much as twenty short strings.
    private const int DeltasBeforeTable = 32;

    private readonly int _slotCount;
    private readonly int _deltasBeforeTable;
    private string?[]? _slots;
    private int _deltas;

    /// <summary>A table of another size (a power of two) and warm-up, for tests (one slot forces collisions); streams use the default.</summary>
    internal DeltaStringCache(int slots, int deltasBeforeTable)
    {
        _slotCount = slots;
        _deltasBeforeTable = deltasBeforeTable;
    }

    /// <summary>The string value the reader is on (a <see cref="JsonTokenType.String"/> token).</summary>
    public string GetString(ref Utf8JsonReader reader)
    {
        if (_slots is null)
        {
            if (++_deltas < (_slotCount == 0 ? DeltasBeforeTable : _deltasBeforeTable))
            {
                return reader.GetString()!;
            }

            _slots = new string?[_slotCount == 0 ? Slots : _slotCount];
        }

        // Only unescaped values are looked up or kept, so a kept string always equals its wire bytes and a match of the bytes
        // is the value. An escaped value's bytes are not its text (the 2 bytes \" are the 1-character string ").
        if (reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length is 0 or > MaxLength)
        {
            return reader.GetString()!;
        }

        var bytes = reader.ValueSpan;
        var hash = new HashCode();
        hash.AddBytes(bytes);
        ref var slot = ref _slots[hash.ToHashCode() & (_slots.Length - 1)];
        if (slot is { } cached && cached.Length == bytes.Length && Ascii.Equals(bytes, cached))
        {
            return cached;
        }

        return slot = reader.GetString()!;
    }
}
