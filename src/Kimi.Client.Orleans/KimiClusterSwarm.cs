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
}
