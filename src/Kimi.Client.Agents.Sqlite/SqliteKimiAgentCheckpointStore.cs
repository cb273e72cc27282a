using Microsoft.Data.Sqlite;

namespace Kimi.Client.Agents.Sqlite;

/// <summary>
/// Keeps agent checkpoints in one SQLite file (write-ahead log, durable against a crash of the process): many runs per
/// file, each leased to one session at a time across processes. A run whose process died is free again at once.
/// </summary>
/// <remarks>
/// <para>The file's integrity is checked once per store instance, before anything is written: a corrupt or truncated file
/// is reported with <see cref="KimiAgentCheckpointException"/> naming it, and left as it is.</para>
/// <para>A lease names the host and process holding it. On the same host, a lease whose process has exited is taken over;
/// a lease held from another host (a shared network drive) is honoured until released.</para>
/// </remarks>
public sealed class SqliteKimiAgentCheckpointStore : IKimiAgentCheckpointStore
{
    private readonly object _checkGate = new();
    private bool _checked;

    /// <summary>Creates a store on a file, created on first use.</summary>
    /// <param name="path">The database file, for example <c>agent-runs.db</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public SqliteKimiAgentCheckpointStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }

    private string ConnectionString { get; }

    /// <inheritdoc/>
    public async ValueTask<IKimiAgentCheckpointSession> OpenAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            Prepare(connection, runId);
            var lease = await SqliteLease.AcquireAsync(connection, runId, Path, cancellationToken).ConfigureAwait(false);
            return new SqliteCheckpointSession(connection, runId, Path, lease);
        }
        catch (SqliteException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw SqliteErrors.Wrap(ex, runId, Path);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Checks the file once (read-only), then turns on the write-ahead log and creates the tables.</summary>
    /// <remarks>Synchronous: Microsoft.Data.Sqlite runs every command synchronously anyway.</remarks>
    private void Prepare(SqliteConnection connection, string runId)
    {
        lock (_checkGate)
        {
            if (!_checked)
            {
                using var check = connection.CreateCommand();
                check.CommandText = "PRAGMA quick_check;";
                var verdict = check.ExecuteScalar() as string;
                if (!string.Equals(verdict, "ok", StringComparison.Ordinal))
                {
                    throw new KimiAgentCheckpointException(
                        $"The checkpoint file {Path} (run '{runId}') is damaged: SQLite's integrity check says \"{verdict}\". Nothing was changed; restore it from a backup or start the run in a new file.",
                        runId, Path);
                }

                using var setup = connection.CreateCommand();
                setup.CommandText = SqliteSchema.Create;
                setup.ExecuteNonQuery();
                _checked = true;
            }
        }

        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = SqliteSchema.ConnectionPragmas;
        pragmas.ExecuteNonQuery();
    }
}
