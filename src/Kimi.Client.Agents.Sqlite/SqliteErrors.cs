using Microsoft.Data.Sqlite;

namespace Kimi.Client.Agents.Sqlite;

/// <summary>SQLite failures as checkpoint errors that name the run and the file.</summary>
internal static class SqliteErrors
{
    private const int Corrupt = 11; // SQLITE_CORRUPT
    private const int NotADatabase = 26; // SQLITE_NOTADB

    public static KimiAgentCheckpointException Wrap(SqliteException ex, string runId, string path) =>
        ex.SqliteErrorCode is Corrupt or NotADatabase
            ? new($"The checkpoint file {path} (run '{runId}') is damaged or is not a checkpoint database: {ex.Message} Nothing was changed; restore it from a backup or start the run in a new file.", runId, path, ex)
            : new($"The checkpoint file {path} (run '{runId}') could not be used: {ex.Message}", runId, path, ex);
}
