using System.Diagnostics;
using Orleans.Runtime.Messaging;

namespace Kimi.Client.Orleans;

/// <summary>
/// Retries a grain call that failed because a silo went away: the call is sent again until the cluster has noticed the loss
/// and placed the grain on a live silo (which loads its state), for at most the silo-loss timeout.
/// </summary>
internal static class GrainRetry
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsSiloLoss(ex) && !cancellationToken.IsCancellationRequested && Stopwatch.GetElapsedTime(started) < timeout)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }
        }
    }

    public static Task RunAsync(Func<Task> call, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(async () =>
        {
            await call().ConfigureAwait(false);
            return true;
        }, timeout, cancellationToken);

    /// <summary>A failure of the cluster, not of the grain's code: the message never arrived, or its answer was lost.</summary>
    public static bool IsSiloLoss(Exception ex) =>
        ex is OrleansMessageRejectionException or ConnectionFailedException or ClientNotAvailableException or TimeoutException or OrleansLifecycleCanceledException
        || (ex is OperationCanceledException && ex.InnerException is not null && IsSiloLoss(ex.InnerException));
}
