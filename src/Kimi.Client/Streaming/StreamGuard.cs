namespace Kimi.Client.Streaming;

/// <summary>
/// A read-only pass-through under the SSE parser that (1) times each wait for the server on the stream watchdog, so any bytes
/// end a silence, keep-alive comments (which the parser swallows without an event) included, and (2) refuses an event
/// that grows past a size limit before the parser buffers it, so a hostile server cannot make us hold an endless line.
/// A read that blocks inside the source and then returns completed is not a wait it can time (no HTTP content stream
/// does that; the caller's token and <c>StreamTimeout</c> still bound it).
/// </summary>
internal sealed class StreamGuard(Stream inner, long maxEventBytes, StreamWatchdog watchdog) : ObservedReadStream(inner)
{
    private long _sinceBoundary; // bytes since the last blank line, i.e. the size of the event being received
    private byte _previous;      // the last byte of the previous read, so a boundary split across reads is seen
    private byte _beforePrevious;

    protected override void OnRead(ReadOnlySpan<byte> data)
    {
        watchdog.EndWait(); // the wait since the watchdog began, when the first read found its bytes ready
        if (data.IsEmpty)
        {
            return;
        }

        // An event ends at a blank line: "\n\n" (or "\r\n\r\n", "\r\r"). Only the last boundary in this read matters.
        var boundary = LastBoundaryEnd(data);
        _sinceBoundary = boundary >= 0 ? data.Length - boundary : _sinceBoundary + data.Length;
        _beforePrevious = data.Length > 1 ? data[^2] : _previous;
        _previous = data[^1];
        if (_sinceBoundary > maxEventBytes)
        {
            throw new EventTooLargeException(maxEventBytes);
        }
    }

    protected override void OnWaiting() => watchdog.BeginWait(); // the first-event limit until one arrives, then the silence limit

    protected override void OnWaited() => watchdog.EndWait();

    /// <summary>
    /// The index just past the last blank-line boundary in <paramref name="data"/>, or -1, counting a boundary that began in
    /// the previous read ("…\n" then "\n…", "…\r\n" then "\r\n…", "…\r" then "\r…").
    /// </summary>
    private int LastBoundaryEnd(ReadOnlySpan<byte> data)
    {
        var best = LastEnd(data);

        // The seam: the previous read's last two bytes and this one's first two. A boundary across it ends within them.
        Span<byte> seam = [_beforePrevious, _previous, 0, 0];
        var head = Math.Min(data.Length, 2);
        data[..head].CopyTo(seam[2..]);
        var across = LastEnd(seam[..(2 + head)]) - 2; // in this read's positions: 1 or 2 when a boundary spans the seam
        return Math.Max(best, across > 0 ? across : -1);
    }

    /// <summary>The index just past the last "\n\n", "\n\r\n" or "\r\r" in <paramref name="data"/>, or -1.</summary>
    private static int LastEnd(ReadOnlySpan<byte> data)
    {
        var index = data.LastIndexOf("\n\n"u8);
        var best = index >= 0 ? index + 2 : -1;

        // A CR boundary ends later than that one only if it starts at or after it: search just that tail (with LF line
        // endings, a few bytes), not the whole read twice more.
        var from = Math.Max(index, 0);
        var tail = data[from..];
        var crlf = tail.LastIndexOf("\n\r\n"u8);
        if (crlf >= 0 && from + crlf + 3 > best)
        {
            best = from + crlf + 3;
        }

        var cr = tail.LastIndexOf("\r\r"u8);
        if (cr >= 0 && from + cr + 2 > best)
        {
            best = from + cr + 2;
        }

        return best;
    }
}

/// <summary>One stream event grew past <see cref="KimiLimitOptions.MaxStreamEventBytes"/>.</summary>
internal sealed class EventTooLargeException(long limit) : Exception($"A stream event is larger than {limit} bytes.")
{
    public long Limit { get; } = limit;
}
