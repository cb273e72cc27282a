namespace Kimi.Client.Agents;

/// <summary>
/// Keeps checkpoints in this process's memory: a run survives a failed or cancelled <see cref="KimiAgent"/> call and can be
/// resumed by another agent in the same process, but not a crash. Thread-safe; each run is leased to one session at a time.
/// </summary>
/// <remarks>It keeps every record of every run until <see cref="Delete"/>; for long runs across processes use the SQLite store.</remarks>
public sealed class InMemoryKimiAgentCheckpointStore : IKimiAgentCheckpointStore
{
    private const string MemoryLocation = "memory (InMemoryKimiAgentCheckpointStore)";
    private readonly Dictionary<string, RunRecords> _runs = new(StringComparer.Ordinal);

    /// <summary>The ids of the runs kept.</summary>
    public IReadOnlyList<string> RunIds
    {
        get
        {
            lock (_runs)
            {
                return [.. _runs.Keys];
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<IKimiAgentCheckpointSession> OpenAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_runs)
        {
            if (!_runs.TryGetValue(runId, out var run))
            {
                _runs[runId] = run = new RunRecords();
            }

            if (run.Leased)
            {
                throw new KimiAgentRunInUseException($"Run '{runId}' is already open in another session of this store; wait for it to end, or resume a different run.", runId, MemoryLocation);
            }

            run.Leased = true;
            return ValueTask.FromResult<IKimiAgentCheckpointSession>(new Session(this, runId, run));
        }
    }

    /// <summary>Forgets a run that no session holds.</summary>
    /// <param name="runId">The run.</param>
    /// <returns>Whether the run was kept and is now gone.</returns>
    /// <exception cref="KimiAgentRunInUseException">A session holds the run.</exception>
    public bool Delete(string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        lock (_runs)
        {
            if (_runs.TryGetValue(runId, out var run) && run.Leased)
            {
                throw new KimiAgentRunInUseException($"Run '{runId}' is open; dispose its session first.", runId, MemoryLocation);
            }

            return _runs.Remove(runId);
        }
    }

    private sealed class RunRecords
    {
        public List<KimiAgentCheckpoint> Records { get; } = [];

        public bool Leased { get; set; }
    }

    private sealed class Session(InMemoryKimiAgentCheckpointStore store, string runId, RunRecords run) : IKimiAgentCheckpointSession
    {
        private bool _disposed;

        public string RunId => runId;

        public string Location => MemoryLocation;

        public ValueTask<IReadOnlyList<KimiAgentCheckpoint>> ReadAllAsync(CancellationToken cancellationToken = default)
        {
            lock (store._runs)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return ValueTask.FromResult<IReadOnlyList<KimiAgentCheckpoint>>([.. run.Records]);
            }
        }

        public ValueTask AppendAsync(IReadOnlyList<KimiAgentCheckpoint> checkpoints, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(checkpoints);
            lock (store._runs)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var next = run.Records.Count + 1L;
                foreach (var checkpoint in checkpoints)
                {
                    if (checkpoint.Sequence != next++)
                    {
                        throw new KimiAgentCheckpointException(
                            $"Run '{runId}': record {checkpoint.Sequence} does not follow record {run.Records.Count}; nothing was appended.", runId, MemoryLocation);
                    }
                }

                // Copied: the caller may reuse its buffers.
                foreach (var checkpoint in checkpoints)
                {
                    run.Records.Add(new KimiAgentCheckpoint(checkpoint.Sequence, checkpoint.Data.ToArray()));
                }
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            lock (store._runs)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    run.Leased = false;
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
