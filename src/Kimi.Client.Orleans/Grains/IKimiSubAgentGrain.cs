using Orleans.Concurrency;

namespace Kimi.Client.Orleans;

/// <summary>One sub-agent of a swarm (keyed by its run id): runs its loop, or continues it from its checkpoint (its grain state).</summary>
internal interface IKimiSubAgentGrain : IGrainWithStringKey
{
    /// <summary>Runs the sub-task to its end; a second call while it runs waits for the same run (a retried call joins it).</summary>
    [AlwaysInterleave]
    [ResponseTimeout("1.00:00:00")]
    Task<SubAgentOutcome> RunAsync(string swarmRunId, SubTaskData task, CancellationToken cancellationToken);
}
