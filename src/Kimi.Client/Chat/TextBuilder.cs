using System.Buffers;

namespace Kimi.Client;

/// <summary>
/// Joins streamed string pieces into one string with a single copy: one piece is kept as it is (no copy at all); more
/// are copied into a pooled <see cref="char"/> buffer that <see cref="Build"/> turns into the string and hands back to
/// the pool. A mutable struct: keep it in a field and call it in place. Not thread-safe.
/// </summary>
internal struct TextBuilder
{
    private const int MinimumBuffer = 256;

    private string? _single; // the whole text while it is one string (the first piece, or the last Build)
    private char[]? _buffer; // rented once a second piece arrives; returned by Build
    private int _length;

    public readonly int Length => _buffer is null ? _single?.Length ?? 0 : _length;

    public void Append(string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        if (_buffer is null)
        {
            if (_single is null)
            {
                _single = value;
                return;
            }

            Grow(_single.Length + value.Length);
        }
        else if (_buffer.Length - _length < value.Length)
        {
            Grow(_length + value.Length);
        }

        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>The text so far. The buffer goes back to the pool; appending afterwards starts from the built string.</summary>
    public string Build()
    {
        var buffer = _buffer;
        if (buffer is null)
        {
            return _single ?? string.Empty;
        }

        var text = new string(buffer, 0, _length);
        _buffer = null;
        _length = 0;
        _single = text;
        ArrayPool<char>.Shared.Return(buffer);
        return text;
    }

    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_buffer))]
    private void Grow(int needed)
    {
        var doubled = (int)Math.Min((long)(_buffer?.Length ?? 0) * 2, Array.MaxLength);
        var next = ArrayPool<char>.Shared.Rent(Math.Max(needed, Math.Max(doubled, MinimumBuffer)));
        if (_buffer is { } old)
        {
            old.AsSpan(0, _length).CopyTo(next);
            ArrayPool<char>.Shared.Return(old);
        }
        else
        {
            _single.AsSpan().CopyTo(next);
            _length = _single?.Length ?? 0;
            _single = null;
        }

        _buffer = next;
    }
}
