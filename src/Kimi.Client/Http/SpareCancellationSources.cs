namespace Kimi.Client.Http;

/// <summary>
/// Per-thread spare <see cref="CancellationTokenSource"/>s for limits that almost never fire (a try's response limit, a
/// body's pause limit): one that did not fire is reset and kept for the next call, so the usual call makes none. Two
/// spares, as a try's limit and its body's are held at once. A source may come back on another thread than the one it was
/// rented on (an await resumed elsewhere); that thread keeps it.
/// </summary>
internal static class SpareCancellationSources
{
    [ThreadStatic]
    private static CancellationTokenSource? t_first;

    [ThreadStatic]
    private static CancellationTokenSource? t_second;

    public static CancellationTokenSource Rent()
    {
        if (t_first is { } first)
        {
            t_first = null;
            return first;
        }

        if (t_second is { } second)
        {
            t_second = null;
            return second;
        }

        return new CancellationTokenSource();
    }

    /// <summary>
    /// Keeps the source for the next call if it was not cancelled (resetting stops its timer and drops what is still
    /// registered on it); disposes it otherwise. Dispose every registration made on the source's behalf first.
    /// </summary>
    public static void Return(CancellationTokenSource source)
    {
        if (ReferenceEquals(source, t_first) || ReferenceEquals(source, t_second))
        {
            return; // returned twice: kept once, or two tries would share it
        }

        if (!source.TryReset())
        {
            source.Dispose();
        }
        else if (t_first is null)
        {
            t_first = source;
        }
        else if (t_second is null)
        {
            t_second = source;
        }
        else
        {
            source.Dispose();
        }
    }
}
