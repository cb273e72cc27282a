using Kimi.Client.Agents;
using Microsoft.Extensions.Logging;
using Orleans.Placement;

namespace Kimi.Client.Orleans;

/// <summary>
/// One sub-agent: a <see cref="KimiAgent"/> loop whose checkpoint is this grain's state and whose model calls are charged to
/// the swarm's budget grain. Called again (after a resume, or after its silo was lost and it was placed elsewhere) it continues
/// from the checkpoint: a tool call whose result was recorded never runs again, an unfinished one follows
/// <see cref="KimiAgentOptions.IdempotentTools"/> and <see cref="KimiAgentOptions.InterruptedToolCallHandler"/>, and a finished
/// run returns its result without a call.
/// </summary>
/// <remarks>Placed at random, so a delegation's sub-agents — and their tools' work — spread over the silos.</remarks>
[RandomPlacement]
internal sealed class KimiSubAgentGrain(
    [PersistentState("checkpoint", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<KimiCheckpointGrainState> checkpoint,
    SwarmSiloServices services,
    IGrainFactory grains,
    ILogger<KimiSubAgentGrain> logger) : Grain, IKimiSubAgentGrain
{
    private readonly SharedRun<SubAgentOutcome> _run = new();

    public Task<SubAgentOutcome> RunAsync(string swarmRunId, SubTaskData task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!string.Equals(task.RunId, this.GetPrimaryKeyString(), StringComparison.Ordinal))
        {
            throw new ArgumentException($"Sub-task '{task.RunId}' was sent to the grain of '{this.GetPrimaryKeyString()}'.", nameof(task));
        }

        return _run.JoinAsync(stop => RunOnceAsync(swarmRunId, task.ToTask(), stop), cancellationToken);
    }

    private async Task<SubAgentOutcome> RunOnceAsync(string swarmRunId, KimiSwarmSubTask task, CancellationToken cancellationToken)
    {
        KimiAgentRunResult? result = null;
        var budget = services.Budget(grains, swarmRunId);
        using var stop = new SubAgentStop(budget, task.RunId, cancellationToken);
        try
        {
            if (await budget.RefreshAsync(cancellationToken).ConfigureAwait(true))
            {
                // The swarm ended or was cancelled before this call arrived: the sub-agent starts nothing (its checkpoint is untouched).
                return Outcome(Cancelled(task, null));
            }

            var store = new KimiGrainCheckpointStore(task.RunId, checkpoint);
            var agent = services.SubAgent(task.ToolNames, store);
            await using var forwarder = new SubAgentEventForwarder(grains.GetGrain<IKimiSwarmGrain>(swarmRunId), task.RunId, services.Options.SiloLossTimeout, services.Options.Swarm.TimeProvider, logger);
            var context = new KimiAgentRunContext { ParentRunId = task.ParentRunId, AgentName = task.Name, Budget = stop };
            var events = store.Count > 0
                ? agent.ResumeStreamingAsync(task.RunId, context, stop.Token)
                : agent.RunStreamingAsync(task.RunId, [KimiMessage.System(task.SystemPrompt ?? services.Options.Swarm.SubAgentInstructions), KimiMessage.User(task.Instructions)], context, stop.Token);
            await foreach (var item in events.ConfigureAwait(true))
            {
                if (item is KimiAgentRunCompleted completed)
                {
                    result = completed.Result;
                }

                await forwarder.AddAsync(item).ConfigureAwait(true);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // As in one process: a sub-agent never crashes the swarm; what went wrong goes to the orchestrator as its error.
            return ex is OperationCanceledException && (stop.Requested || cancellationToken.IsCancellationRequested)
                ? Outcome(Cancelled(task, result))
                : Outcome(new KimiSwarmSubAgentResult(task, result?.StopReason, string.Empty, result?.Steps ?? 0, result?.Usage ?? new TokenUsage(0, 0), result?.CostUsd, $"could not run: {ex.Message}"));
        }

        return Outcome(KimiSwarmSubAgentResult.FromRun(task, result!));
    }

    private static KimiSwarmSubAgentResult Cancelled(KimiSwarmSubTask task, KimiAgentRunResult? result) =>
        new(task, KimiAgentStopReason.Cancelled, string.Empty, result?.Steps ?? 0, result?.Usage ?? new TokenUsage(0, 0), result?.CostUsd,
            "cancelled: the swarm was stopped. Delegate it again to continue it.");

    private static SubAgentOutcome Outcome(KimiSwarmSubAgentResult result) => SubAgentOutcome.From(result);
}
