using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// A swarm's orchestrator: a <see cref="KimiSwarm"/> whose checkpoint is this grain's state, whose sub-agents are
/// <see cref="IKimiSubAgentGrain"/>s and whose budget is the swarm's budget grain. Called again after its silo was lost, it
/// continues the swarm from its checkpoint (the interrupted delegation runs again; finished sub-agents return their results).
/// </summary>
internal sealed class KimiSwarmGrain(
    [PersistentState("checkpoint", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<KimiCheckpointGrainState> checkpoint,
    [PersistentState("outcome", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<OutcomeGrainState> outcome,
    SwarmSiloServices services,
    IGrainFactory grains) : Grain, IKimiSwarmGrain
{
    private readonly SharedRun<SwarmOutcome> _run = new();

    public Task<SwarmOutcome> RunAsync(MessageData[] messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return outcome.State.Outcome is { } done ? Task.FromResult(done) : _run.JoinAsync(stop => RunOnceAsync(messages, stop), cancellationToken);
    }

    private async Task<SwarmOutcome> RunOnceAsync(MessageData[] messages, CancellationToken cancellationToken)
    {
        var runId = this.GetPrimaryKeyString();
        if (outcome.State.Outcome is { } done)
        {
            return done;
        }

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
            // Kept so a caller that lost the answer gets the same one; a cancelled swarm continues when called again.
            outcome.State.Outcome = ended;
            await outcome.WriteStateAsync(CancellationToken.None).ConfigureAwait(true); // the swarm has ended: keep its result even if the caller left
        }

        return ended;
    }
}
