using System.Globalization;
using Kimi.Client.Testing;
using Microsoft.Data.Sqlite;

namespace Kimi.Client.Agents.Sqlite.Tests;

/// <summary>
/// A run in a child process (AgentCrashHost) with SQLite checkpoints, against the emulator served here on loopback, killed
/// with SIGKILL once during a tool call and once during a stream, then resumed in a new process.
/// </summary>
public sealed class AgentCrashTests : IAsyncDisposable
{
    private const int Notes = 6;
    private const string Final = "All 6 notes are written.";

    private readonly string _directory = Directory.CreateTempSubdirectory("kimi-crash-").FullName;
    private readonly KimiEmulator _emulator = new(new KimiEmulatorOptions { ChunkDelay = TimeSpan.FromMilliseconds(5) });

    public AgentCrashTests() => _emulator.Responder = Script;

    private string Db => Path.Combine(_directory, "runs.db");

    private string Side => Path.Combine(_directory, "notes.txt");

    /// <summary>Turn t (assistant turns in the request) writes note t + 1; turn 6 answers. Usage is fixed per turn.</summary>
    private static EmulatorReply Script(EmulatorRequest request)
    {
        var turn = request.Json.GetProperty("messages").EnumerateArray().Count(m => m.GetProperty("role").GetString() == "assistant");
        var reasoning = string.Join(' ', Enumerable.Repeat($"Note {turn + 1} comes next.", 8));
        var reply = turn < Notes
            ? EmulatorReply.FromToolCalls(reasoning, new EmulatorToolCall("write_note", $$"""{"n":{{turn + 1}}}"""))
            : EmulatorReply.FromText(Final, "Report.");
        (reply.PromptTokens, reply.CachedTokens, reply.CompletionTokens, reply.ReasoningTokens) = Usage(turn);
        return reply;
    }

    private static (int Prompt, int Cached, int Completion, int Reasoning) Usage(int turn) => (1_000 + (100 * turn), 800 + (90 * turn), 60 + turn, 40);

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string[] Arguments(string run, params string[] more) =>
        ["--endpoint", _emulator.BaseAddress.ToString(), "--db", Db, "--side", Side, "--run", run, .. more];

    [Fact(Timeout = 60_000)]
    public async Task A_run_killed_during_a_tool_call_and_during_a_stream_resumes_to_the_same_answer_without_running_a_tool_twice_and_with_exact_usage()
    {
        await _emulator.StartAsync(TestContext.Current.CancellationToken);

        // 1. Killed inside note 3's tool call, before its effect.
        await using (var first = CrashHostProcess.Start(Arguments("r1", "--hang-tool", "3")))
        {
            await first.WaitForLineAsync("TOOL 3", TestContext.Current.CancellationToken);
            await first.KillAsync(TestContext.Current.CancellationToken);
        }

        Assert.Equal(["note 1", "note 2"], await File.ReadAllLinesAsync(Side, TestContext.Current.CancellationToken));

        // 2. Resumed: the interrupted call goes to the caller's handler (not written, so it runs again); killed mid-stream of call 5.
        await using (var second = CrashHostProcess.Start(Arguments("r1", "--resume", "--kill-stream", "5")))
        {
            await second.WaitForLineAsync("STREAM 5", TestContext.Current.CancellationToken);
            await second.KillAsync(TestContext.Current.CancellationToken);
            Assert.Contains("INTERRUPTED 3 written=False", second.Lines);
            Assert.DoesNotContain(second.Lines, line => line.StartsWith("TOOL 1", StringComparison.Ordinal) || line.StartsWith("TOOL 2", StringComparison.Ordinal));
        }

        var streamed = _emulator.Requests.Count;

        // 3. Resumed again: call 5 is made again, then the run completes.
        await using var third = CrashHostProcess.Start(Arguments("r1", "--resume"));
        var result = (await third.WaitForLineAsync("RESULT ", TestContext.Current.CancellationToken))["RESULT ".Length..].Split('|');
        Assert.Equal(0, await third.WaitForExitAsync(TestContext.Current.CancellationToken));
        Assert.DoesNotContain(third.Lines, line => line.StartsWith("INTERRUPTED", StringComparison.Ordinal));

        Assert.Equal("Completed", result[0]);
        Assert.Equal(Final, result[1]);
        Assert.Equal(Enumerable.Range(1, Notes).Select(n => $"note {n}"), await File.ReadAllLinesAsync(Side, TestContext.Current.CancellationToken)); // each tool ran once
        Assert.Equal(streamed + 3, _emulator.Requests.Count); // call 5 again, 6, and the answer

        // Usage and cost: exactly the seven calls whose answers are in the history, the cut stream not counted.
        var turns = Enumerable.Range(0, Notes + 1).Select(Usage).ToList();
        var expected = new TokenUsage(turns.Sum(t => t.Prompt), turns.Sum(t => t.Completion), null, turns.Sum(t => t.Cached), turns.Sum(t => t.Reasoning));
        Assert.Equal(
            [expected.InputTokens, expected.CachedInputTokens ?? 0, expected.OutputTokens, expected.ReasoningTokens ?? 0, expected.TotalTokens],
            result[2..7].Select(v => int.Parse(v, CultureInfo.InvariantCulture)));
        Assert.Equal(KimiPricing.ForProvider(KimiProvider.Moonshot)!.Cost(expected), decimal.Parse(result[7], CultureInfo.InvariantCulture));
        Assert.Equal("7", result[8]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_second_process_resuming_a_run_that_is_still_running_is_refused()
    {
        await _emulator.StartAsync(TestContext.Current.CancellationToken);
        await using var running = CrashHostProcess.Start(Arguments("r2", "--hang-tool", "1"));
        await running.WaitForLineAsync("TOOL 1", TestContext.Current.CancellationToken);

        await using var second = CrashHostProcess.Start(Arguments("r2", "--resume"));
        Assert.Equal(3, await second.WaitForExitAsync(TestContext.Current.CancellationToken));
        Assert.Contains($"Run 'r2' in {Db} is being run by process {running.Id} on {Environment.MachineName}", second.Error, StringComparison.Ordinal);

        // Once the holder is gone, the run resumes.
        await running.KillAsync(TestContext.Current.CancellationToken);
        await using var third = CrashHostProcess.Start(Arguments("r2", "--resume"));
        Assert.Equal(0, await third.WaitForExitAsync(TestContext.Current.CancellationToken));
        Assert.Equal(Enumerable.Range(1, Notes).Select(n => $"note {n}"), await File.ReadAllLinesAsync(Side, TestContext.Current.CancellationToken));
    }
}
