using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// A swarm's orchestrator: a <see cref="KimiSwarm"/> whose checkpoint is this grain's state, whose sub-agents are
/// <see cref="IKimiSubAgentGrain"/>s and whose budget is the swarm's budget grain. Started again after its silo was lost, it
/// continues the swarm from its checkpoint (the interrupted delegation runs again; finished sub-agents return their results).
/// </summary>
#pragma warning disable CA1001 // _stop is disposed when the run ends; the activation itself is not disposable.
internal sealed class KimiSwarmGrain(
    [PersistentState("checkpoint", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<KimiCheckpointGrainState> checkpoint,
    [PersistentState("outcome", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<OutcomeGrainState> outcome,
    SwarmSiloServices services,
    IGrainFactory grains) : Grain, IKimiSwarmGrain
#pragma warning restore CA1001
{
    private Task<SwarmOutcome>? _running;
    private CancellationTokenSource? _stop;

    public async Task<SwarmOutcome?> RunAsync(MessageData[] messages, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (outcome.State.Outcome is { } done)
        {
            return done;
        }

        if (_running is null)
        {
            _stop = new CancellationTokenSource();
            _running = RunOnceAsync(messages, _stop.Token);
            DelayDeactivation(TimeSpan.FromDays(7)); // the run is work in progress, not idleness: stay until it ends
        }

        var running = _running;
        await Task.WhenAny(running, Task.Delay(wait)).ConfigureAwait(true);
        return running.IsCompleted ? await EndedAsync(running).ConfigureAwait(true) : null;
    }

    public async Task<SwarmOutcome?> CancelAsync()
    {
        if (outcome.State.Outcome is { } done)
        {
            return done;
        }

        if (_running is not { } running)
        {
            return null;
        }

        await _stop!.CancelAsync().ConfigureAwait(true);
        await Task.WhenAny(running).ConfigureAwait(true);
        return await EndedAsync(running).ConfigureAwait(true);
    }

    /// <summary>The ended run's result; the next call starts it again (a cancelled or failed swarm continues from its checkpoint).</summary>
    private async Task<SwarmOutcome> EndedAsync(Task<SwarmOutcome> running)
    {
        if (ReferenceEquals(_running, running))
        {
            _running = null;
            _stop?.Dispose();
            _stop = null;
            DelayDeactivation(TimeSpan.Zero);
        }

        return await running.ConfigureAwait(true);
    }

    private async Task<SwarmOutcome> RunOnceAsync(MessageData[] messages, CancellationToken cancellationToken)
    {
        var runId = this.GetPrimaryKeyString();
        var store = new KimiGrainCheckpointStore(runId, checkpoint);
        var budget = services.Budget(grains, runId);
        await budget.RefreshAsync(cancellationToken).ConfigureAwait(true);
        var swarm = services.Swarm(grains, runId, store, budget);
        var result = store.Count > 0
            ? await swarm.ResumeAsync(runId, cancellationToken).ConfigureAwait(true)
            : await swarm.RunAsync(runId, messages.Select(m => m.ToMessage()), cancellationToken).ConfigureAwait(true);
        var ended = new SwarmOutcome
        {
            RunId = runId,
            StopReason = (int)result.StopReason,
            Text = result.Text,
            Steps = result.Steps,
            Usage = UsageData.From(result.Usage)!,
            CostUsd = result.CostUsd,
            SubAgents = [.. result.SubAgents.Select(SubAgentOutcome.From)],
            OrchestratorSteps = result.Orchestrator.Steps,
            Error = result.Orchestrator.Exception?.Message,
        };
        if (result.StopReason != KimiAgentStopReason.Cancelled)
        {
            // Kept so a caller that lost the answer gets the same one; a cancelled swarm continues when started again.
            outcome.State.Outcome = ended;
            await outcome.WriteStateAsync(CancellationToken.None).ConfigureAwait(true);
        }

        return ended;
    }
}
