using Orleans.Concurrency;

namespace Kimi.Client.Orleans;

/// <summary>
/// A swarm's orchestrator (keyed by the swarm's run id). The run goes on inside the activation; callers poll it with short calls,
/// so a caller notices a lost silo at its next poll (a long call would wait on a silo that is gone) and its next poll starts the
/// run again — from its checkpoint — wherever the grain now lives. It also keeps the swarm's event log, which watchers read
/// with short calls too and to which the sub-agents forward their events.
/// </summary>
internal interface IKimiSwarmGrain : IGrainWithStringKey
{
    /// <summary>Starts the run (or continues it from its checkpoint) unless it is going, and waits up to <paramref name="wait"/> for its end.</summary>
    /// <returns>The result, or <see langword="null"/> while it runs.</returns>
    /// <remarks>A short response timeout: a poll forwarded to a silo that died is given up on (and retried) within seconds.</remarks>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:10")]
    Task<SwarmOutcome?> RunAsync(MessageData[] messages, TimeSpan wait);

    /// <summary>Stops the run cleanly and returns its (cancelled) result, or the result it had reached; <see langword="null"/> when nothing runs here.</summary>
    [AlwaysInterleave]
    Task<SwarmOutcome?> CancelAsync();

    /// <summary>Logs a batch of a sub-agent's events (once, however often it is sent).</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:10")]
    Task AppendEventsAsync(EventBatch batch);

    /// <summary>Up to <paramref name="max"/> events after <paramref name="after"/>, waiting up to <paramref name="wait"/> for one when there are none yet.</summary>
    [AlwaysInterleave]
    [ResponseTimeout("00:00:10")]
    Task<EventPage> ReadEventsAsync(long after, int max, TimeSpan wait);

    /// <summary>
    /// Where a watcher of a run about to be started or continued begins: after the log's last event, or before it when that is
    /// the end of a run that is over for good (its result is kept, so asking to run it again returns that end).
    /// </summary>
    [AlwaysInterleave]
    Task<long> GetWatchStartAsync();
}
