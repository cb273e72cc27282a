namespace Kimi.Client.Agents;

/// <summary>
/// Appends a run's changes to its checkpoint session: records are staged as they happen and written together, in order,
/// by <see cref="FlushAsync"/> (one atomic append). Safe to use from parallel tool calls.
/// </summary>
internal sealed class AgentCheckpointer(IKimiAgentCheckpointSession session, long lastSequence) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<KimiAgentCheckpoint> _pending = [];
    private long _sequence = lastSequence;
    private int _stepRecords;
    private long _stepBytes;

    public IKimiAgentCheckpointSession Session => session;

    public long Sequence => Interlocked.Read(ref _sequence);

    public void Stage(CheckpointRecord record)
    {
        var data = CheckpointCodec.Write(record);
        lock (_pending)
        {
            _pending.Add(new KimiAgentCheckpoint(++_sequence, data));
        }
    }

    public async ValueTask StageAndFlushAsync(CheckpointRecord record, CancellationToken cancellationToken)
    {
        Stage(record);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes what is staged. The caller's token is not used once writing began: a half-kept step is worse than a late stop.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            KimiAgentCheckpoint[] batch;
            lock (_pending)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = [.. _pending];
                _pending.Clear();
            }

            await session.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
            _stepRecords += batch.Length;
            foreach (var checkpoint in batch)
            {
                _stepBytes += checkpoint.Data.Length;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Records and bytes written since the last call.</summary>
    public (int Records, long Bytes) TakeStepCounts()
    {
        var counts = (_stepRecords, _stepBytes);
        _stepRecords = 0;
        _stepBytes = 0;
        return counts;
    }

    public async ValueTask DisposeAsync()
    {
        await session.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
