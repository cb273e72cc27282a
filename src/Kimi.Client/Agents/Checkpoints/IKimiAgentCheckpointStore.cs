namespace Kimi.Client.Agents;

/// <summary>
/// Keeps agent runs' checkpoints: an append-only list of records per run, so a run can continue after its process died
/// (<see cref="KimiAgent.ResumeAsync"/>). Implementations: <see cref="InMemoryKimiAgentCheckpointStore"/>, and the SQLite
/// store in Kimi.Client.Agents.Sqlite.
/// </summary>
public interface IKimiAgentCheckpointStore
{
    /// <summary>Opens a run for reading and appending, taking its lease: while the session is open, no other session (in this process or another) may open the same run.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The session; dispose it to release the lease.</returns>
    /// <exception cref="KimiAgentRunInUseException">Another session holds the run's lease.</exception>
    /// <exception cref="KimiAgentCheckpointException">The store cannot be read (corrupt or truncated); nothing was changed.</exception>
    ValueTask<IKimiAgentCheckpointSession> OpenAsync(string runId, CancellationToken cancellationToken = default);
}
