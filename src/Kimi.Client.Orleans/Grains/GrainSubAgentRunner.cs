using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>Runs each sub-agent in its grain (keyed by its run id), calling it again after a silo's loss so it continues from its checkpoint elsewhere.</summary>
internal sealed class GrainSubAgentRunner(IGrainFactory grains, string swarmRunId, TimeSpan siloLossTimeout) : KimiSwarmSubAgentRunner
{
    public override async Task<KimiSwarmSubAgentResult> RunAsync(KimiSwarmSubTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var grain = grains.GetGrain<IKimiSubAgentGrain>(task.RunId);
        var data = SubTaskData.From(task);
        var outcome = await GrainRetry.RunAsync(() => grain.RunAsync(swarmRunId, data, cancellationToken), siloLossTimeout, cancellationToken).ConfigureAwait(false);
        return outcome.ToResult();
    }
}
