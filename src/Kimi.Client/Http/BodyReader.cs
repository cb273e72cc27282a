using System.Buffers;

namespace Kimi.Client.Http;

/// <summary>
/// A response body held in buffers rented from <see cref="ArrayPool{T}.Shared"/> (one for the usual small body, a chain
/// for a large one, so a large body is never copied to grow); dispose it, once, to return them. A struct: every whole
/// answer has one, and it lives only from the read to the parse.
/// </summary>
internal readonly struct PooledBody : IDisposable
{
    private readonly byte[]? _first;
    private readonly List<byte[]>? _more;

    private PooledBody(byte[] first, List<byte[]>? more, ReadOnlySequence<byte> bytes)
    {
        _first = first;
        _more = more;
        Bytes = bytes;
    }

    public ReadOnlySequence<byte> Bytes { get; }

    public long Length => Bytes.Length;

    /// <summary>A body in <paramref name="first"/> and, when it outgrew it, the buffers chained after it (the last filled to <paramref name="lastLength"/>).</summary>
    internal static PooledBody Create(byte[] first, List<byte[]>? more, int lastLength)
    {
        if (more is null)
        {
            return new PooledBody(first, null, new ReadOnlySequence<byte>(first, 0, lastLength));
        }

        var head = new Segment(first, 0);
        var last = head;
        for (var i = 0; i < more.Count; i++)
        {
            last = last.Append(more[i].AsMemory(0, i == more.Count - 1 ? lastLength : more[i].Length));
        }

        return new PooledBody(first, more, new ReadOnlySequence<byte>(head, 0, last, lastLength));
    }

    /// <summary>Returns the buffers. Once only: a copy of a disposed body would return them again.</summary>
    public void Dispose()
    {
        if (_first is { } first)
        {
            BodyReader.Return(first, _more);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

/// <summary>A body went over its size limit; the reader stopped at the limit.</summary>
internal sealed class BodyTooLargeException(long limit) : IOException($"The response body is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}

/// <summary>A body paused longer than the idle limit between two reads.</summary>
internal sealed class BodyStalledException(TimeSpan limit) : TimeoutException($"The response body stalled for {limit.TotalSeconds} s.")
{
    public TimeSpan Limit { get; } = limit;
}

/// <summary>
/// The one way a whole body is read (chat answers, error bodies, JSON on a streaming request, the files API): into
/// pooled buffers, never past a size limit, and with an idle limit that is a pause limit (restarted on every read), not
/// a deadline. A hostile server makes us hold at most the limit plus one growth step (<see cref="GrowthStep"/>).
/// </summary>
internal static class BodyReader
{
    internal const int GrowthStep = 256 * 1024;
    private const int DefaultSize = 16 * 1024;
    private const int MaxInitialSize = 1024 * 1024; // a Content-Length is a hint, not a reason to rent gigabytes up front

    /// <summary>Reads the whole body.</summary>
    /// <exception cref="BodyTooLargeException">The body is larger than <paramref name="maxBytes"/> (or says so in Content-Length).</exception>
    /// <exception cref="BodyStalledException">No byte arrived for <paramref name="idleTimeout"/>.</exception>
    /// <exception cref="HttpRequestException">The connection failed while reading.</exception>
    public static async ValueTask<PooledBody> ReadAsync(HttpContent content, long maxBytes, TimeSpan idleTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested(); // the reads see the caller's token only once one has to wait
        var expected = content.Headers.ContentLength;
        if (expected > maxBytes)
        {
            throw new BodyTooLargeException(maxBytes); // refused before reading a byte
        }

        var first = ArrayPool<byte>.Shared.Rent(expected is { } known ? (int)Math.Clamp(known + 1, 1, MaxInitialSize) : DefaultSize); // +1: EOF is seen without a grow
        List<byte[]>? more = null; // buffers chained after the first when the body outgrows it
        var current = first;
        var filled = 0;
        long total = 0;

        // The pause limit needs a source the reads can be cancelled by. On the system clock it is a per-thread spare, armed
        // (CancelAfter) and cancelled by the caller's token (through a registration) only once something has had to wait:
        // what completes at once (bytes already buffered) can neither stall nor be cancelled midway. Another clock (tests)
        // needs a timer source of its own, linked to the caller's.
        var system = time == TimeProvider.System;
        var idle = system ? SpareCancellationSources.Rent() : new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        var linked = system ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        var token = linked?.Token ?? idle.Token;
        var caller = default(CancellationTokenRegistration);
        var waited = false;
        try
        {
            var opening = content.ReadAsStreamAsync(token);
            if (system && !opening.IsCompleted)
            {
                caller = CancelOnCaller(idle, cancellationToken);
            }

            var stream = await opening.ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    if (filled == current.Length)
                    {
                        // Chain another buffer instead of doubling and copying: memory stays at the body plus one step.
                        current = ArrayPool<byte>.Shared.Rent(GrowthStep);
                        (more ??= new List<byte[]>(2)).Add(current);
                        filled = 0;
                    }

                    // A pause limit. Until a read has had to wait, it is not armed: a read that completes at once (the bytes
                    // were buffered) cannot stall, and a whole small body usually arrives so. The first read that waits arms
                    // it; from then on it is restarted before every read, as a limit armed for an earlier wait must not run
                    // out while later reads take buffered bytes.
                    if (waited)
                    {
                        idle.CancelAfter(idleTimeout);
                    }

                    var pending = stream.ReadAsync(current.AsMemory(filled), token);
                    if (!waited && !pending.IsCompleted)
                    {
                        if (system && caller == default)
                        {
                            caller = CancelOnCaller(idle, cancellationToken);
                        }

                        idle.CancelAfter(idleTimeout);
                        waited = true;
                    }

                    var read = await pending.ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                    total += read;
                    if (total > maxBytes)
                    {
                        throw new BodyTooLargeException(maxBytes);
                    }
                }
            }

            return PooledBody.Create(first, more, filled);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Return(first, more); // cancelled, and not by the caller: the limit ran out
            throw new BodyStalledException(idleTimeout);
        }
        catch (Exception ex) when (ex is IOException and not BodyTooLargeException or ObjectDisposedException)
        {
            Return(first, more);
            throw new HttpRequestException("Error while copying content to a stream.", ex); // as ReadAsByteArrayAsync reports it
        }
        catch
        {
            Return(first, more);
            throw;
        }
        finally
        {
            caller.Dispose(); // before the source goes back: the caller's cancellation must not reach its next user
            linked?.Dispose();
            if (system)
            {
                SpareCancellationSources.Return(idle);
            }
            else
            {
                idle.Dispose();
            }
        }
    }

    // The caller's token cancels the pause-limit source (a registration on it, not a linked source: no allocation).
    private static CancellationTokenRegistration CancelOnCaller(CancellationTokenSource idle, CancellationToken caller) =>
        caller.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), idle);

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/> of a body whose status already says what matters (an error): a body that
    /// is larger, stalls or is cut yields what arrived instead of failing.
    /// </summary>
    public static async Task<byte[]> ReadPrefixAsync(HttpContent content, int maxBytes, TimeSpan idleTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(maxBytes, 16 * 1024)];
        var total = 0;
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        try
        {
            var stream = await content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (total < maxBytes)
                {
                    if (total == buffer.Length)
                    {
                        Array.Resize(ref buffer, Math.Min(maxBytes, buffer.Length * 2));
                    }

                    idle.CancelAfter(idleTimeout);
                    var read = await stream.ReadAsync(buffer.AsMemory(total), linked.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    total += read;
                }
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // stalled, cut or refused: keep what arrived
        }

        return buffer.AsSpan(0, total).ToArray();
    }

    internal static void Return(byte[] first, List<byte[]>? more)
    {
        ArrayPool<byte>.Shared.Return(first);
        if (more is not null)
        {
            foreach (var buffer in more)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
