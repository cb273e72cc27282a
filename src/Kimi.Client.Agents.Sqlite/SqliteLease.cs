using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Kimi.Client.Agents.Sqlite;

/// <summary>
/// One run's lease row: which host and process hold the run. Taken in an immediate transaction, so two processes racing
/// for the same run cannot both win; a row left by a process that has exited is taken over.
/// </summary>
internal sealed class SqliteLease
{
    private SqliteLease(string owner) => Owner = owner;

    public string Owner { get; }

    public static async Task<SqliteLease> AcquireAsync(SqliteConnection connection, string runId, string path, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid().ToString("N");
        var (pid, started) = CurrentProcess();
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT host, pid, process_started, acquired_at FROM kimi_agent_leases WHERE run_id = $run;";
            read.Parameters.AddWithValue("$run", runId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var host = reader.GetString(0);
                var holder = reader.GetInt32(1);
                var holderStarted = reader.GetInt64(2);
                var since = reader.GetString(3);
                if (IsHeld(host, holder, holderStarted))
                {
                    var who = holder == pid && host == Environment.MachineName ? "another session in this process" : $"process {holder} on {host}";
                    throw new KimiAgentRunInUseException(
                        $"Run '{runId}' in {path} is being run by {who} (since {since}). Two processes never continue the same run: wait for it to end, or stop it first.",
                        runId, path);
                }
            }
        }

        await using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = """
                INSERT OR REPLACE INTO kimi_agent_leases (run_id, owner, host, pid, process_started, acquired_at)
                VALUES ($run, $owner, $host, $pid, $started, $at);
                """;
            write.Parameters.AddWithValue("$run", runId);
            write.Parameters.AddWithValue("$owner", owner);
            write.Parameters.AddWithValue("$host", Environment.MachineName);
            write.Parameters.AddWithValue("$pid", pid);
            write.Parameters.AddWithValue("$started", started);
            write.Parameters.AddWithValue("$at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new SqliteLease(owner);
    }

    public async Task ReleaseAsync(SqliteConnection connection, string runId)
    {
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM kimi_agent_leases WHERE run_id = $run AND owner = $owner;";
        delete.Parameters.AddWithValue("$run", runId);
        delete.Parameters.AddWithValue("$owner", Owner);
        await delete.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    private static bool IsHeld(string host, int pid, long started)
    {
        if (!string.Equals(host, Environment.MachineName, StringComparison.Ordinal))
        {
            return true; // another machine's process cannot be checked from here
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return Math.Abs(process.StartTime.ToUniversalTime().Ticks - started) < TimeSpan.TicksPerSecond; // not a reused pid
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false; // the process has exited: its lease is stale
        }
    }

    private static (int Pid, long Started) CurrentProcess()
    {
        using var process = Process.GetCurrentProcess();
        return (process.Id, process.StartTime.ToUniversalTime().Ticks);
    }
}
