using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// An <see cref="IKimiAgentCheckpointStore"/> over a grain's persistent state: the checkpoint of one run, kept where the grain's
/// storage keeps it (Redis, a database, Azure …), so the run continues on another silo after its silo is lost.
/// </summary>
/// <remarks>
/// <para>
/// The store holds one run (the grain's): opening another run id fails. Orleans keeps one activation of a grain, so the lease
/// is the activation's: one session at a time within it, and the storage's ETag refuses a write from a stale activation.
/// </para>
/// <para>
/// Each append writes the whole state (grain storage has no append), so it costs what the run has recorded so far: fine for
/// sub-agents' runs of tens of steps; keep very long runs in a store built for appends (the SQLite one of Kimi.Client.Agents.Sqlite).
/// </para>
/// </remarks>
public sealed class KimiGrainCheckpointStore : IKimiAgentCheckpointStore
{
    private readonly string _runId;
    private readonly IPersistentState<KimiCheckpointGrainState> _state;
    private readonly List<byte[]> _records;
    private readonly TaskScheduler _grainScheduler;
    private readonly string _location;
    private readonly object _lock = new();
    private bool _leased;

    /// <summary>Creates the store of one run; create it in the grain (on its scheduler), where the state may be touched.</summary>
    /// <param name="runId">The run the state holds.</param>
    /// <param name="state">The grain's state (loaded on activation).</param>
    /// <remarks>The agent's loop runs off the grain's scheduler; the store sends every write of the state back to it, as Orleans requires.</remarks>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is empty.</exception>
    public KimiGrainCheckpointStore(string runId, IPersistentState<KimiCheckpointGrainState> state)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentNullException.ThrowIfNull(state);
        _runId = runId;
        _state = state;
        _records = state.State.Records ??= [];
        _grainScheduler = TaskScheduler.Current;
        _location = $"Orleans grain storage '{KimiSwarmSiloBuilderExtensions.StorageName}' (run '{runId}')";
    }

    /// <summary>How many records the run has.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _records.Count;
            }
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="runId"/> is not the run this store holds.</exception>
    public ValueTask<IKimiAgentCheckpointSession> OpenAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        cancellationToken.ThrowIfCancellationRequested();
        if (!string.Equals(runId, _runId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This grain's checkpoint store holds run '{_runId}', not '{runId}'; each run has its own grain.", nameof(runId));
        }

        lock (_lock)
        {
            if (_leased)
            {
                throw new KimiAgentRunInUseException($"Run '{runId}' is already open in this grain; wait for it to end.", runId, _location);
            }

            _leased = true;
        }

        return ValueTask.FromResult<IKimiAgentCheckpointSession>(new Session(this));
    }

    /// <summary>Runs <paramref name="action"/> on the grain's scheduler (Orleans refuses state access from other threads).</summary>
    private Task OnGrainAsync(Func<Task> action) =>
        TaskScheduler.Current == _grainScheduler
            ? action()
            : Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.None, _grainScheduler).Unwrap();

    private sealed class Session(KimiGrainCheckpointStore store) : IKimiAgentCheckpointSession
    {
        private readonly SemaphoreSlim _writing = new(1, 1);
        private bool _disposed;

        public string RunId => store._runId;

        public string Location => store._location;

        public ValueTask<IReadOnlyList<KimiAgentCheckpoint>> ReadAllAsync(CancellationToken cancellationToken = default)
        {
            lock (store._lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var records = store._records;
                var result = new KimiAgentCheckpoint[records.Count];
                for (var i = 0; i < records.Count; i++)
                {
                    result[i] = new KimiAgentCheckpoint(i + 1, records[i]);
                }

                return ValueTask.FromResult<IReadOnlyList<KimiAgentCheckpoint>>(result);
            }
        }

        public async ValueTask AppendAsync(IReadOnlyList<KimiAgentCheckpoint> checkpoints, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(checkpoints);
            await _writing.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                int before;
                lock (store._lock)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    var records = store._records;
                    before = records.Count;
                    var next = before + 1L;
                    foreach (var checkpoint in checkpoints)
                    {
                        if (checkpoint.Sequence != next++)
                        {
                            throw new KimiAgentCheckpointException(
                                $"Run '{RunId}': record {checkpoint.Sequence} does not follow record {before}; nothing was appended.", RunId, Location);
                        }
                    }

                    foreach (var checkpoint in checkpoints)
                    {
                        records.Add(checkpoint.Data.ToArray()); // copied: the caller may reuse its buffers
                    }
                }

                try
                {
                    await store.OnGrainAsync(() => store._state.WriteStateAsync(CancellationToken.None)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    lock (store._lock)
                    {
                        var records = store._records;
                        records.RemoveRange(before, records.Count - before); // all or nothing
                    }

                    throw new KimiAgentCheckpointException($"Run '{RunId}': the grain storage did not keep the records ({ex.Message}); nothing was appended.", RunId, Location, ex);
                }
            }
            finally
            {
                _writing.Release();
            }
        }

        public ValueTask DisposeAsync()
        {
            lock (store._lock)
            {
                if (!_disposed)
                {
                    _disposed = true;
                    store._leased = false;
                }
            }

            _writing.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
