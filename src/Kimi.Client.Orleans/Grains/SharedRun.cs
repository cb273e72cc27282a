namespace Kimi.Client.Orleans;

/// <summary>
/// The one run of a grain activation that several calls may wait for (a call retried after a lost answer joins the run in
/// progress instead of starting a second one). A caller's cancellation stops the run; a caller that did not cancel but finds
/// the run stopped by another starts it again (it continues from its checkpoint).
/// </summary>
/// <remarks>Used only from the grain's own scheduler (its calls interleave but never run in parallel).</remarks>
#pragma warning disable CA1001 // A CancellationTokenSource without a timer holds nothing to release; the run may outlive any one caller.
internal sealed class SharedRun<T>
#pragma warning restore CA1001
{
    private Task<T>? _running;
    private CancellationTokenSource? _stop;

    public async Task<T> JoinAsync(Func<CancellationToken, Task<T>> start, CancellationToken callerToken)
    {
        while (true)
        {
            if (_running is null)
            {
                _stop = new CancellationTokenSource();
                _running = start(_stop.Token);
            }

            var running = _running;
            var stop = _stop!;
            T result;
            using (callerToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), stop))
            {
                try
                {
                    result = await running.ConfigureAwait(true); // back on the grain's scheduler
                }
                finally
                {
                    if (ReferenceEquals(_running, running))
                    {
                        _running = null;
                        _stop = null;
                    }
                }
            }

            if (stop.IsCancellationRequested && !callerToken.IsCancellationRequested)
            {
                continue; // another caller stopped it (it went away): this one still wants it run
            }

            return result;
        }
    }
}
