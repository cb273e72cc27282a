using System.Buffers;

namespace Kimi.Client.Serialization;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one array rented from <see cref="ArrayPool{T}.Shared"/>: the request body is
/// written into it and copied to the request stream in pieces, so serializing allocates no buffers of its own.
/// Dispose returns the array; <see cref="Detach"/> hands it to the caller instead, after which <see cref="Rent"/> starts
/// the writer again on a new one (so the writer object itself can be kept and reused). Not thread-safe.
/// </summary>
internal sealed class PooledBufferWriter(int initialSize) : IBufferWriter<byte>, IDisposable
{
    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _written;

    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => Buffer.AsMemory(0, _written);

    private byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(PooledBufferWriter));

    /// <summary>Forgets what was written (after it went to the stream); the array is kept.</summary>
    public void Clear() => _written = 0;

    /// <summary>Starts again, empty, on an array rented now (after <see cref="Detach"/> or <see cref="Dispose"/>).</summary>
    public void Rent(int initialSize)
    {
        _buffer ??= ArrayPool<byte>.Shared.Rent(initialSize);
        _written = 0;
    }

    /// <summary>
    /// Hands over the array and what was written in it: the caller returns it to <see cref="ArrayPool{T}.Shared"/>. The
    /// writer is left without an array until <see cref="Rent"/>.
    /// </summary>
    public byte[] Detach(out int written)
    {
        var buffer = Buffer;
        written = _written;
        _buffer = null;
        _written = 0;
        return buffer;
    }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Buffer.Length - _written);
        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _written = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private byte[] Ensure(int sizeHint)
    {
        var buffer = Buffer;
        var needed = Math.Max(sizeHint, 1);
        if (buffer.Length - _written >= needed)
        {
            return buffer;
        }

        var doubled = (int)Math.Min((long)buffer.Length * 2, Array.MaxLength);
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(doubled, checked(_written + needed)));
        buffer.AsSpan(0, _written).CopyTo(larger);
        _buffer = larger;
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
