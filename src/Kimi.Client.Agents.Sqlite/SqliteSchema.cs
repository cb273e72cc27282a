namespace Kimi.Client.Agents.Sqlite;

/// <summary>The file's tables: records per run and sequence, and one lease row per open run.</summary>
internal static class SqliteSchema
{
    // WAL with synchronous=NORMAL: a committed append survives the process being killed (not a power cut mid-commit).
    public const string Create = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS kimi_agent_checkpoints (
            run_id   TEXT    NOT NULL,
            sequence INTEGER NOT NULL,
            data     BLOB    NOT NULL,
            PRIMARY KEY (run_id, sequence)
        );
        CREATE TABLE IF NOT EXISTS kimi_agent_leases (
            run_id          TEXT    NOT NULL PRIMARY KEY,
            owner           TEXT    NOT NULL,
            host            TEXT    NOT NULL,
            pid             INTEGER NOT NULL,
            process_started INTEGER NOT NULL,
            acquired_at     TEXT    NOT NULL
        );
        """;

    public const string ConnectionPragmas = "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";
}
