using System.Runtime.CompilerServices;
using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// Starts and awaits swarm runs on an Orleans cluster whose silos host the swarm (<see cref="KimiSwarmSiloBuilderExtensions.AddKimiSwarm"/>):
/// the orchestrator and each sub-agent run as grains, checkpointed to grain storage, under one budget kept in a grain.
/// </summary>
/// <remarks>
/// A run is identified by its run id. Calling <see cref="RunAsync"/> again with the same id — after this process, a silo or a
/// gateway went away — continues the run from its checkpoints, or returns its result once it has ended.
/// </remarks>
public class KimiClusterSwarm
{
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(3);
    private const int WatchPage = 256;
    private readonly IGrainFactory _grains = null!;
    private readonly TimeSpan _siloLossTimeout;

    /// <summary>For mocking only.</summary>
    protected KimiClusterSwarm()
    {
    }

    /// <summary>Creates the entry point over a cluster client (or a silo's grain factory).</summary>
    /// <param name="grainFactory">The cluster's grain factory (<c>IClusterClient</c> is one).</param>
    public KimiClusterSwarm(IGrainFactory grainFactory)
        : this(grainFactory, TimeSpan.FromMinutes(2))
    {
    }

    /// <summary>Creates the entry point over a cluster client, retrying calls for up to <paramref name="siloLossTimeout"/> while a lost silo is replaced.</summary>
    /// <param name="grainFactory">The cluster's grain factory.</param>
    /// <param name="siloLossTimeout">How long a call is retried after a silo or gateway went away.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="siloLossTimeout"/> is not positive.</exception>
    public KimiClusterSwarm(IGrainFactory grainFactory, TimeSpan siloLossTimeout)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(siloLossTimeout, TimeSpan.Zero);
        _grains = grainFactory;
        _siloLossTimeout = siloLossTimeout;
    }

    /// <summary>Runs a swarm on the cluster to its end (or continues it, or returns its result if it had ended).</summary>
    /// <param name="runId">The swarm's run id: unique within the cluster's storage; the same id continues the same run.</param>
    /// <param name="messages">The conversation to start from: system, user and assistant text (the orchestrator's prompt and the task).</param>
    /// <param name="cancellationToken">Stops every run of the swarm cleanly (the result then has <see cref="KimiAgentStopReason.Cancelled"/>); calling again continues it.</param>
    /// <returns>The result, with the sums over every silo.</returns>
    /// <exception cref="OperationCanceledException">Cancelled while the orchestrator could not be reached.</exception>
    /// <exception cref="ArgumentException">The conversation is empty, or has a message other than text (tool calls, images …).</exception>
    public virtual async Task<KimiClusterSwarmResult> RunAsync(string runId, IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(messages);
        MessageData[] opening = [.. messages.Select(m => MessageData.From(m, nameof(messages)))];
        if (opening.Length == 0)
        {
            throw new ArgumentException("The conversation is empty: start the swarm with at least a user message.", nameof(messages));
        }

        var grain = _grains.GetGrain<IKimiSwarmGrain>(runId);
        try
        {
            while (true)
            {
                // Short polls: each one notices a lost silo, and starts the run again from its checkpoint where the grain now lives.
                var outcome = await GrainRetry.RunAsync(() => grain.RunAsync(opening, PollWait).WaitAsync(cancellationToken), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
                if (outcome is not null)
                {
                    return new KimiClusterSwarmResult(outcome);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var stopped = await GrainRetry.RunAsync(() => grain.CancelAsync(), _siloLossTimeout, CancellationToken.None).ConfigureAwait(false);
            return stopped is null ? throw new OperationCanceledException("The swarm was cancelled before its orchestrator could be reached.", cancellationToken) : new KimiClusterSwarmResult(stopped);
        }
    }

    /// <summary>What a swarm run has spent so far, over every silo, and what is left of its budget (for progress).</summary>
    /// <param name="runId">The swarm's run id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status.</returns>
    public virtual async Task<KimiSwarmBudgetStatus> GetStatusAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var grain = _grains.GetGrain<IKimiSwarmBudgetGrain>(runId);
        var status = await GrainRetry.RunAsync(() => grain.GetStatusAsync(), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
        return status.ToStatus();
    }

    /// <summary>
    /// The events of a swarm run on the cluster as they happen — the orchestrator's, each sub-agent's (forwarded from its silo
    /// in batches), their starts and ends — in the order of the orchestrator's log, from the oldest it still holds, until the run ends.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each event names its run and parent run (the tree: the orchestrator at the root, its sub-agents below), the step and the
    /// kind; model-call and completion events carry usage and cost (see <see cref="KimiClusterSwarmEventKind"/>). The watcher
    /// reads the orchestrator grain with short calls (each waits up to 3 s for news) and retries them while a lost silo is
    /// replaced. Where events are missing — the watcher fell more than <see cref="KimiClusterSwarmOptions.MaxLoggedEvents"/>
    /// behind, the orchestrator's silo was lost with its log, or a sub-agent could not deliver its events — a
    /// <see cref="KimiClusterSwarmEventKind.Gap"/> takes their place. No event is reported twice.
    /// </para>
    /// <para>
    /// It ends after <see cref="KimiClusterSwarmEventKind.SwarmCompleted"/>; a watcher started after the run ended gets what the log
    /// holds then ends. It does not start the run, and ending or cancelling the watch does not stop it (use <see cref="RunAsync"/>'s
    /// token, or <see cref="RunStreamingAsync"/>). Watching a run that has not started waits for it.
    /// </para>
    /// </remarks>
    /// <param name="runId">The swarm's run id.</param>
    /// <param name="cancellationToken">Stops watching (not the run).</param>
    /// <returns>The events, in order.</returns>
    public virtual IAsyncEnumerable<KimiClusterSwarmEvent> WatchAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        return WatchCoreAsync(runId, run: null, after: 0, cancellationToken);
    }

    /// <summary>
    /// Runs a swarm on the cluster (as <see cref="RunAsync"/>) and reports its events as they happen (as <see cref="WatchAsync"/>);
    /// the last is <see cref="KimiClusterSwarmEventKind.SwarmCompleted"/>.
    /// </summary>
    /// <remarks>Stopping the enumeration early (or cancelling) stops the run cleanly, as <see cref="RunAsync"/>'s cancellation does; calling again continues it.</remarks>
    /// <param name="runId">The swarm's run id: the same id continues the same run.</param>
    /// <param name="messages">The conversation to start from: system, user and assistant text.</param>
    /// <param name="cancellationToken">Stops the run and the enumeration.</param>
    /// <returns>The events, in order.</returns>
    /// <exception cref="ArgumentException">The conversation is empty, or has a message other than text (thrown when enumerated).</exception>
    public virtual async IAsyncEnumerable<KimiClusterSwarmEvent> RunStreamingAsync(string runId, IEnumerable<KimiMessage> messages, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(messages);
        var grain = _grains.GetGrain<IKimiSwarmGrain>(runId);

        // From the log's end: an earlier, stopped attempt's events are not this run's (a finished run's end is, once more).
        var start = await GrainRetry.RunAsync(() => grain.GetWatchStartAsync().WaitAsync(cancellationToken), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = RunAsync(runId, messages, stop.Token);
        var finished = false;
        try
        {
            await foreach (var item in WatchCoreAsync(runId, run, start, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }

            await run.ConfigureAwait(false);
            finished = true;
        }
        finally
        {
            if (!finished)
            {
                // The caller stopped reading (or cancelled): stop the run, as RunAsync's cancellation does.
                await stop.CancelAsync().ConfigureAwait(false);
                await ((Task)run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async IAsyncEnumerable<KimiClusterSwarmEvent> WatchCoreAsync(string runId, Task<KimiClusterSwarmResult>? run, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var grain = _grains.GetGrain<IKimiSwarmGrain>(runId);
        while (true)
        {
            if (run is { IsFaulted: true })
            {
                await run.ConfigureAwait(false); // the run could not start or failed: its exception, not an endless watch
            }

            var from = after;
            var page = await GrainRetry.RunAsync(() => grain.ReadEventsAsync(from, WatchPage, PollWait).WaitAsync(cancellationToken), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Events)
            {
                if (item.Sequence > after) // a page retried after a lost answer repeats nothing
                {
                    after = item.Sequence;
                    yield return item.ToEvent();
                }
            }

            if (page.Ended)
            {
                if (run is null || run.IsCompleted)
                {
                    yield break;
                }

                // The log's end is an earlier attempt's while this one is starting (or answering): ask again shortly.
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken)).ConfigureAwait(false);
            }
        }
    }
}
