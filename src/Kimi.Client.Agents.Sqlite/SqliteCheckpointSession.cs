using Microsoft.Data.Sqlite;

namespace Kimi.Client.Agents.Sqlite;

/// <summary>One run opened in a <see cref="SqliteKimiAgentCheckpointStore"/>: its own connection, holding the run's lease.</summary>
internal sealed class SqliteCheckpointSession(SqliteConnection connection, string runId, string path, SqliteLease lease) : IKimiAgentCheckpointSession
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    public string RunId => runId;

    public string Location => path;

    public async ValueTask<IReadOnlyList<KimiAgentCheckpoint>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await using var read = connection.CreateCommand();
            read.CommandText = "SELECT sequence, data FROM kimi_agent_checkpoints WHERE run_id = $run ORDER BY sequence;";
            read.Parameters.AddWithValue("$run", runId);
            var records = new List<KimiAgentCheckpoint>();
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var sequence = reader.GetInt64(0);
                if (sequence < 1)
                {
                    throw new KimiAgentCheckpointException($"The checkpoint file {path} (run '{runId}') holds a record numbered {sequence}; records start at 1. Nothing was changed.", runId, path);
                }

                records.Add(new KimiAgentCheckpoint(sequence, (byte[])reader.GetValue(1)));
            }

            return records;
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Wrap(ex, runId, path);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask AppendAsync(IReadOnlyList<KimiAgentCheckpoint> checkpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        if (checkpoints.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using (var check = connection.CreateCommand())
            {
                // Still ours, and the next record follows the last one kept: anything else is a second writer.
                check.Transaction = transaction;
                check.CommandText = """
                    SELECT (SELECT owner FROM kimi_agent_leases WHERE run_id = $run),
                           (SELECT COALESCE(MAX(sequence), 0) FROM kimi_agent_checkpoints WHERE run_id = $run);
                    """;
                check.Parameters.AddWithValue("$run", runId);
                await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var owner = reader.IsDBNull(0) ? null : reader.GetString(0);
                var last = reader.GetInt64(1);
                if (owner != lease.Owner)
                {
                    throw new KimiAgentRunInUseException($"Run '{runId}' in {path} was taken over by another session; this one stopped writing.", runId, path);
                }

                if (checkpoints[0].Sequence != last + 1)
                {
                    throw new KimiAgentCheckpointException(
                        $"Run '{runId}' in {path}: record {checkpoints[0].Sequence} does not follow record {last}; nothing was appended.", runId, path);
                }
            }

            await using (var insert = connection.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO kimi_agent_checkpoints (run_id, sequence, data) VALUES ($run, $sequence, $data);";
                insert.Parameters.AddWithValue("$run", runId);
                var sequence = insert.Parameters.Add("$sequence", SqliteType.Integer);
                var data = insert.Parameters.Add("$data", SqliteType.Blob);
                var expected = checkpoints[0].Sequence;
                foreach (var checkpoint in checkpoints)
                {
                    if (checkpoint.Sequence != expected++)
                    {
                        throw new KimiAgentCheckpointException($"Run '{runId}' in {path}: records to append are out of order at {checkpoint.Sequence}; nothing was appended.", runId, path);
                    }

                    sequence.Value = checkpoint.Sequence;
                    data.Value = checkpoint.Data.ToArray();
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Wrap(ex, runId, path);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                await lease.ReleaseAsync(connection, runId).ConfigureAwait(false);
            }
            catch (SqliteException)
            {
                // The lease row is stale once this process exits; a failed release only delays nobody.
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
