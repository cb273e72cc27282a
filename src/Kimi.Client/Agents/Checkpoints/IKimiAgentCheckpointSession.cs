namespace Kimi.Client.Agents;

/// <summary>One run opened in an <see cref="IKimiAgentCheckpointStore"/>, holding its lease until disposed.</summary>
public interface IKimiAgentCheckpointSession : IAsyncDisposable
{
    /// <summary>The run's id.</summary>
    string RunId { get; }

    /// <summary>Where the run is kept (for example a file path), for error messages.</summary>
    string Location { get; }

    /// <summary>Reads every record of the run, in sequence order (empty for a new run).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records.</returns>
    /// <exception cref="KimiAgentCheckpointException">The records cannot be read; nothing was changed.</exception>
    ValueTask<IReadOnlyList<KimiAgentCheckpoint>> ReadAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends records atomically: all of them are kept, or none. Each record's sequence must follow the last one kept.</summary>
    /// <param name="checkpoints">The records, in sequence order.</param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>A task that completes once the records are durable against a crash of this process.</returns>
    /// <exception cref="KimiAgentCheckpointException">A sequence number does not follow the last one kept (another writer), or the store failed.</exception>
    ValueTask AppendAsync(IReadOnlyList<KimiAgentCheckpoint> checkpoints, CancellationToken cancellationToken = default);
}
