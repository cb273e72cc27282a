using Orleans.Concurrency;

namespace Kimi.Client.Orleans;

/// <summary>A swarm's orchestrator (keyed by the swarm's run id): runs the swarm, or continues it from its checkpoint.</summary>
internal interface IKimiSwarmGrain : IGrainWithStringKey
{
    /// <summary>Runs (or continues, or returns the result of) the swarm; a second call while it runs waits for the same run.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("7.00:00:00")]
    Task<SwarmOutcome> RunAsync(MessageData[] messages, CancellationToken cancellationToken);
}
