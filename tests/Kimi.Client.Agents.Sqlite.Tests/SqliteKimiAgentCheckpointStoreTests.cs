using System.Security.Cryptography;
using System.Text;
using Kimi.Client.Agents;
using Kimi.Client.Agents.Sqlite;
using Microsoft.Data.Sqlite;

namespace Kimi.Client.Agents.Sqlite.Tests;

/// <summary>The SQLite store on a real file: append and read back, sequence and lease checks, damaged files left untouched.</summary>
public sealed class SqliteKimiAgentCheckpointStoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kimi-sqlite-").FullName;

    private string DbPath => Path.Combine(_directory, "runs.db");

    private static KimiAgentCheckpoint Record(long sequence, string text) => new(sequence, Encoding.UTF8.GetBytes(text));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact(Timeout = 15_000)]
    public async Task Records_appended_in_batches_read_back_in_order_from_a_new_store_on_the_same_file()
    {
        await using (var session = await new SqliteKimiAgentCheckpointStore(DbPath).OpenAsync("run-a", TestContext.Current.CancellationToken))
        {
            Assert.Empty(await session.ReadAllAsync(TestContext.Current.CancellationToken));
            await session.AppendAsync([Record(1, "one"), Record(2, "two")], TestContext.Current.CancellationToken);
            await session.AppendAsync([Record(3, "three")], TestContext.Current.CancellationToken);
            Assert.Equal(DbPath, session.Location);
        }

        await using (var other = await new SqliteKimiAgentCheckpointStore(DbPath).OpenAsync("run-b", TestContext.Current.CancellationToken))
        {
            await other.AppendAsync([Record(1, "b")], TestContext.Current.CancellationToken);
        }

        await using var again = await new SqliteKimiAgentCheckpointStore(DbPath).OpenAsync("run-a", TestContext.Current.CancellationToken);
        var records = await again.ReadAllAsync(TestContext.Current.CancellationToken);
        Assert.Equal([1L, 2, 3], records.Select(r => r.Sequence));
        Assert.Equal(["one", "two", "three"], records.Select(r => Encoding.UTF8.GetString(r.Data.Span)));
    }

    [Fact(Timeout = 15_000)]
    public async Task An_append_that_does_not_follow_the_last_record_is_refused_and_nothing_is_kept()
    {
        await using var session = await new SqliteKimiAgentCheckpointStore(DbPath).OpenAsync("run", TestContext.Current.CancellationToken);
        await session.AppendAsync([Record(1, "one")], TestContext.Current.CancellationToken);

        var gap = await Assert.ThrowsAsync<KimiAgentCheckpointException>(() => session.AppendAsync([Record(3, "three")], TestContext.Current.CancellationToken).AsTask());
        var disorder = await Assert.ThrowsAsync<KimiAgentCheckpointException>(() => session.AppendAsync([Record(2, "two"), Record(4, "four")], TestContext.Current.CancellationToken).AsTask());

        Assert.Contains("record 3 does not follow record 1", gap.Message, StringComparison.Ordinal);
        Assert.Contains("record 4 does not follow record 2", disorder.Message, StringComparison.Ordinal);
        Assert.Single(await session.ReadAllAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 15_000)]
    public async Task A_second_session_on_a_held_run_is_refused_and_a_lease_left_by_an_exited_process_is_taken_over()
    {
        var store = new SqliteKimiAgentCheckpointStore(DbPath);
        await using (await store.OpenAsync("run", TestContext.Current.CancellationToken))
        {
            var refused = await Assert.ThrowsAsync<KimiAgentRunInUseException>(() => new SqliteKimiAgentCheckpointStore(DbPath).OpenAsync("run", TestContext.Current.CancellationToken).AsTask());
            Assert.Contains("Run 'run'", refused.Message, StringComparison.Ordinal);
            Assert.Contains(DbPath, refused.Message, StringComparison.Ordinal);
            Assert.Contains("another session in this process", refused.Message, StringComparison.Ordinal);
            await using var otherRun = await store.OpenAsync("other", TestContext.Current.CancellationToken); // other runs in the file are free
        }

        // A lease row whose process is gone (pid 2^22 + 1 is above Linux's pid range) does not block the run.
        using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            connection.Open();
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO kimi_agent_leases VALUES ('run', 'dead', $host, 4194305, 0, '2026-01-01T00:00:00Z');";
            insert.Parameters.AddWithValue("$host", Environment.MachineName);
            insert.ExecuteNonQuery();
        }

        await using var taken = await store.OpenAsync("run", TestContext.Current.CancellationToken);
        await taken.AppendAsync([Record(1, "after the crash")], TestContext.Current.CancellationToken);
    }

    [Theory(Timeout = 15_000)]
    [InlineData("garbage")]
    [InlineData("truncated")]
    public async Task A_damaged_file_is_reported_naming_the_run_and_the_file_and_is_left_byte_for_byte(string damage)
    {
        await using (var session = await new SqliteKimiAgentCheckpointStore(DbPath).OpenAsync("run", TestContext.Current.CancellationToken))
        {
            for (var i = 1; i <= 200; i++)
            {
                await session.AppendAsync([Record(i, new string('x', 2_000))], TestContext.Current.CancellationToken);
            }
        }

        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(DbPath, TestContext.Current.CancellationToken);
        if (damage == "garbage")
        {
            Encoding.ASCII.GetBytes("this is not a database").CopyTo(bytes, 0);
        }
        else
        {
            bytes = bytes[..(bytes.Length / 2)];
        }

        await File.WriteAllBytesAsync(DbPath, bytes, TestContext.Current.CancellationToken);
        var before = SHA256.HashData(bytes);

        var error = await Assert.ThrowsAsync<KimiAgentCheckpointException>(() => new SqliteKimiAgentCheckpointStore(DbPath).OpenAsync("run", TestContext.Current.CancellationToken).AsTask());

        Assert.Equal("run", error.RunId);
        Assert.Equal(DbPath, error.Location);
        Assert.Contains($"The checkpoint file {DbPath} (run 'run') is damaged", error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(DbPath, TestContext.Current.CancellationToken)));
        Assert.False(File.Exists(DbPath + "-wal") && new FileInfo(DbPath + "-wal").Length > 0);
    }
}
