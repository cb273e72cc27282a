using System.Runtime.CompilerServices;

namespace Kimi.Client.Streaming;

/// <summary>
/// A read-only pass-through that shows the bytes of every read to <see cref="OnRead"/> before handing them on: the base of
/// the stream guard (event size limit, signs of life) and of the verifier's wire tap (a copy of the bytes).
/// </summary>
/// <param name="inner">The stream read from; disposed with this one.</param>
internal abstract class ObservedReadStream(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        OnRead(buffer[..read]);
        return read;
    }

    // Bytes already there (most reads of a fast stream) pass straight through: no state machine, no wait to time.
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            var pending = inner.ReadAsync(buffer, cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return WaitAsync(pending, buffer);
            }

            var read = pending.Result;
            OnRead(buffer.Span[..read]);
            return new ValueTask<int>(read);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<int>(ex); // a stream's failure travels in its task, as the Stream contract has it
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A read found no bytes ready and waits for the source; <see cref="OnWaited"/> follows, whatever the read's end.</summary>
    protected virtual void OnWaiting()
    {
    }

    /// <summary>The wait <see cref="OnWaiting"/> announced is over.</summary>
    protected virtual void OnWaited()
    {
    }

    /// <summary>Sees the bytes one read returned (empty at the end of the stream); may throw to stop the reading.</summary>
    /// <param name="data">What the read put in the caller's buffer.</param>
    protected abstract void OnRead(ReadOnlySpan<byte> data);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // one per read that waits: pooled, not allocated
    private async ValueTask<int> WaitAsync(ValueTask<int> pending, Memory<byte> buffer)
    {
        int read;
        OnWaiting();
        try
        {
            read = await pending.ConfigureAwait(false);
        }
        finally
        {
            OnWaited();
        }

        OnRead(buffer.Span[..read]);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
