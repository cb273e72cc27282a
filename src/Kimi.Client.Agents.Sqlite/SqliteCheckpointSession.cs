using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Kimi.Client.Agents.Sqlite;

/// <summary>
/// One run opened in a <see cref="SqliteKimiAgentCheckpointStore"/>: its own connection, holding the run's lease, with its
/// statements prepared once (an agent appends a few times per step).
/// </summary>
internal sealed class SqliteCheckpointSession : IKimiAgentCheckpointSession
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly SqliteLease _lease;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _sequence;
    private readonly SqliteParameter _data;
    private bool _disposed;

    public SqliteCheckpointSession(SqliteConnection connection, string runId, string path, SqliteLease lease)
    {
        _connection = connection;
        RunId = runId;
        Location = path;
        _lease = lease;
        _begin = Command("BEGIN IMMEDIATE;");
        _commit = Command("COMMIT;");
        _rollback = Command("ROLLBACK;");

        // Kept only if the lease is still ours and the record follows the last one kept; otherwise nothing is inserted.
        _insert = Command("""
            INSERT INTO kimi_agent_checkpoints (run_id, sequence, data)
            SELECT $run, $sequence, $data
            WHERE (SELECT owner FROM kimi_agent_leases WHERE run_id = $run) = $owner
              AND $sequence = 1 + (SELECT COALESCE(MAX(sequence), 0) FROM kimi_agent_checkpoints WHERE run_id = $run);
            """);
        _insert.Parameters.AddWithValue("$run", runId);
        _insert.Parameters.AddWithValue("$owner", lease.Owner);
        _sequence = _insert.Parameters.Add("$sequence", SqliteType.Integer);
        _data = _insert.Parameters.Add("$data", SqliteType.Blob);
    }

    public string RunId { get; }

    public string Location { get; }

    public async ValueTask<IReadOnlyList<KimiAgentCheckpoint>> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await using var read = Command("SELECT sequence, data FROM kimi_agent_checkpoints WHERE run_id = $run ORDER BY sequence;");
            read.Parameters.AddWithValue("$run", RunId);
            var records = new List<KimiAgentCheckpoint>();
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var sequence = reader.GetInt64(0);
                if (sequence < 1)
                {
                    throw new KimiAgentCheckpointException($"The checkpoint file {Location} (run '{RunId}') holds a record numbered {sequence}; records start at 1. Nothing was changed.", RunId, Location);
                }

                records.Add(new KimiAgentCheckpoint(sequence, (byte[])reader.GetValue(1)));
            }

            return records;
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Wrap(ex, RunId, Location);
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

        // Synchronous inside: Microsoft.Data.Sqlite runs every command synchronously, and the append is a few microseconds of work.
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (checkpoints.Count == 1)
            {
                Insert(checkpoints[0]); // one statement is its own transaction: no BEGIN and COMMIT round trips
                return;
            }

            _begin.ExecuteNonQuery();
            try
            {
                foreach (var checkpoint in checkpoints)
                {
                    Insert(checkpoint);
                }

                _commit.ExecuteNonQuery();
            }
            catch
            {
                _rollback.ExecuteNonQuery();
                throw;
            }
        }
        catch (SqliteException ex)
        {
            throw SqliteErrors.Wrap(ex, RunId, Location);
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
                await _lease.ReleaseAsync(_connection, RunId).ConfigureAwait(false);
            }
            catch (SqliteException)
            {
                // The lease row is stale once this process exits; a failed release delays nobody.
            }

            foreach (var command in new[] { _begin, _commit, _rollback, _insert })
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }

            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Insert(KimiAgentCheckpoint checkpoint)
    {
        _sequence.Value = checkpoint.Sequence;

        // The agent hands over arrays it no longer touches: bind them as they are.
        _data.Value = MemoryMarshal.TryGetArray(checkpoint.Data, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length
            ? whole.Array
            : checkpoint.Data.ToArray();
        if (_insert.ExecuteNonQuery() != 1)
        {
            throw Refusal(checkpoint.Sequence);
        }
    }

    /// <summary>Why an insert was refused: the lease was taken over, or the record does not follow the last one kept.</summary>
    private KimiAgentCheckpointException Refusal(long sequence)
    {
        using var check = Command("""
            SELECT (SELECT owner FROM kimi_agent_leases WHERE run_id = $run),
                   (SELECT COALESCE(MAX(sequence), 0) FROM kimi_agent_checkpoints WHERE run_id = $run);
            """);
        check.Parameters.AddWithValue("$run", RunId);
        using var reader = check.ExecuteReader();
        reader.Read();
        var owner = reader.IsDBNull(0) ? null : reader.GetString(0);
        var last = reader.GetInt64(1);
        return owner != _lease.Owner
            ? new KimiAgentRunInUseException($"Run '{RunId}' in {Location} was taken over by another session; this one stopped writing.", RunId, Location)
            : new KimiAgentCheckpointException($"Run '{RunId}' in {Location}: record {sequence} does not follow record {last}; nothing was appended.", RunId, Location);
    }

    private SqliteCommand Command(string text)
    {
        var command = _connection.CreateCommand();
        command.CommandText = text;
        return command;
    }
}
