using System.Diagnostics;
using Kimi.Client.Agents;
using Kimi.Client.Agents.Sqlite;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--agents</c>, second part (also alone as <c>--longrun</c>): two <see cref="KimiAgent"/> runs of 4,000 tool-calling
/// steps inside Kimi K2.6's 262,144-token window (compaction and summaries on) against the emulator on Kestrel in a child process, one
/// without checkpoints and one with the SQLite store, taking turns. Per step: this process's CPU time and allocations,
/// bucketed by step; every 500 steps the managed heap after a full GC next to the live histories' size.
/// </summary>
internal static class AgentLongRun
{
    private const int FirstMeasuredStep = 10;
    private const int Bucket = 500;

    public static async Task<int> RunAsync(TextWriter output)
    {
        var total = Stopwatch.StartNew();
        await using var server = await ServerProcess.StartAsync("longrun");
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new KimiClient(http, new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = EmulatorServer.ApiKey, Endpoint = server.BaseAddress });
        var directory = Directory.CreateTempSubdirectory("kimi-longrun-");
        try
        {
            // Untimed warm-up, a shorter run with checkpoints: JIT tiering and PGO settle, connections open, SQLite's native library loads.
            await RunInterleavedAsync([new MeasuredRun(client, "warmup", new SqliteKimiAgentCheckpointStore(Path.Combine(directory.FullName, "warmup.db")), maxSteps: 600)]);

            // The three runs take turns, Slice steps each, while the others wait inside a tool: machine noise and drift hit
            // all three alike, and the process's CPU and allocation counters only see the run whose turn it is.
            List<MeasuredRun> runs =
            [
                new(client, "none", store: null),
                new(client, "sqlite", new SqliteKimiAgentCheckpointStore(Path.Combine(directory.FullName, "runs.db"))),
            ];
            await RunInterleavedAsync(runs);
            var db = Path.Combine(directory.FullName, "runs.db");
            var dbBytes = !File.Exists(db) ? 0 : new FileInfo(db).Length + (File.Exists(db + "-wal") ? new FileInfo(db + "-wal").Length : 0);
            Report(output, runs, dbBytes);
            output.WriteLine($"longrun: {total.Elapsed.TotalSeconds:F1} s in all");
            return runs.All(r => r.Result?.StopReason == KimiAgentStopReason.Completed && r.Result.Text == LongRunScript.Final(r.Name)) ? 0 : 1;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static async Task RunInterleavedAsync(List<MeasuredRun> runs)
    {
        var running = runs.Select(run => run.RunAsync()).ToList();
        var live = new List<MeasuredRun>(runs);
        while (live.Count > 0)
        {
            foreach (var run in live.ToList())
            {
                if (!await run.TakeTurnAsync())
                {
                    live.Remove(run);
                }
            }
        }

        await Task.WhenAll(running);
    }

    private static (double Slope, double R) Slope(List<(double X, double Y)> points)
    {
        var (mx, my) = (points.Average(p => p.X), points.Average(p => p.Y));
        var sxy = points.Sum(p => (p.X - mx) * (p.Y - my));
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        var syy = points.Sum(p => (p.Y - my) * (p.Y - my));
        return (sxx == 0 ? 0 : sxy / sxx, sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy));
    }

    private static void Report(TextWriter output, List<MeasuredRun> runs, long dbBytes)
    {
        var (none, sqlite) = (runs[0], runs[1]);
        output.WriteLine();
        output.WriteLine($"longrun: two KimiAgent runs of {LongRunScript.ToolSteps:N0} read_file steps each (8,000-character results, 60 words of reasoning), streaming, Kimi K2.6's {LongRunScript.Window:N0}-token window,");
        output.WriteLine($"         compaction with summaries, against the emulator on Kestrel (own process, prefix cache modelled); one without checkpoints, one with SQLite; they take turns, {MeasuredRun.Slice} steps each.");
        foreach (var run in runs)
        {
            var usage = run.Result!.Usage;
            output.WriteLine(
                $"  {run.Name,-7} {run.Result.StopReason}: {run.Result.Steps:N0} model calls ({run.Summaries} summaries), {run.Compactions} compactions; " +
                $"input {usage.InputTokens:N0} tokens, {usage.CachedInputTokens / (double)usage.InputTokens:P1} from the prefix cache; cost ${run.Result.CostUsd:0.00} at Moonshot prices");
        }

        output.WriteLine();
        output.WriteLine("| Steps | CPU / step, no checkpoint | Alloc / step, no checkpoint | CPU / step, SQLite | Alloc / step, SQLite | SQLite vs none (CPU) |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var from = FirstMeasuredStep; from < LongRunScript.ToolSteps; from = (from / Bucket + 1) * Bucket)
        {
            var to = (from / Bucket + 1) * Bucket;
            var (a, b) = (none.Between(from, to), sqlite.Between(from, to));
            output.WriteLine($"| {from}–{to - 1} | {a.Cpu:N0} µs | {a.Alloc / 1024:N1} KB | {b.Cpu:N0} µs | {b.Alloc / 1024:N1} KB | {(b.Cpu / a.Cpu) - 1:+0%;-0%} |");
        }

        output.WriteLine();
        output.WriteLine("| Step | Heap over the start (both runs) | Live prompt tokens (both runs) | Live messages (both runs) | Thread-pool threads |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        var samples = Enumerable.Range(0, Math.Min(none.Memory.Count, sqlite.Memory.Count))
            .Select(i => (Step: none.Memory[i].Step, Heap: (double)Math.Max(none.Memory[i].Heap, sqlite.Memory[i].Heap), Tokens: (double)(none.Memory[i].PromptTokens + sqlite.Memory[i].PromptTokens),
                Messages: none.Memory[i].Messages + sqlite.Memory[i].Messages, Threads: Math.Max(none.Memory[i].Threads, sqlite.Memory[i].Threads)))
            .ToList();
        foreach (var sample in samples.Where(s => s.Step % Bucket == 0))
        {
            output.WriteLine($"| {sample.Step} | {sample.Heap / 1024:N0} KB | {sample.Tokens:N0} | {sample.Messages} | {sample.Threads} |");
        }

        // Least squares over the samples (one per 100 steps) from step 1,000, once the request buffers have grown to the
        // prompt's size: the heap against the step number, and against the live histories.
        var settled = samples.Where(s => s.Step >= 1_000).ToList();
        var perStep = Slope(settled.Select(s => ((double)s.Step, s.Heap)).ToList());
        var perToken = Slope(settled.Select(s => (s.Tokens, s.Heap)).ToList());
        var liveChars = runs.Sum(r => r.Result!.Messages.Sum(m => (long)m.Text.Length + (m.Reasoning?.Length ?? 0)));
        output.WriteLine();
        output.WriteLine($"longrun memory: live messages (both runs) {samples.Min(s => s.Messages)}–{samples.Max(s => s.Messages)}; from step 1,000: heap {settled.Min(s => s.Heap) / 1048576:N1}–{settled.Max(s => s.Heap) / 1048576:N1} MB; " +
                         $"fit against the step: {perStep.Slope * 1000 / 1024:+0;-0} KB per 1,000 steps (r {perStep.R:F2}); fit against the live history: {perToken.Slope:N0} B per live token (r {perToken.R:F2}); " +
                         $"final live histories {liveChars * 2 / 1048576.0:N1} MB of text vs {2.0 * LongRunScript.ToolSteps * 8_000 * 2 / 1048576:N0} MB raw");
        output.WriteLine();
        var all = (None: none.Between(FirstMeasuredStep, LongRunScript.ToolSteps), Sqlite: sqlite.Between(FirstMeasuredStep, LongRunScript.ToolSteps));
        foreach (var run in runs)
        {
            var first = run.Between(FirstMeasuredStep, Bucket);
            var last = run.Between(LongRunScript.ToolSteps - Bucket, LongRunScript.ToolSteps);
            output.WriteLine($"longrun {run.Name}: steps {LongRunScript.ToolSteps - Bucket}–{LongRunScript.ToolSteps - 1} vs {FirstMeasuredStep}–{Bucket - 1}: CPU/step x{last.Cpu / first.Cpu:F2}, alloc/step x{last.Alloc / first.Alloc:F2}");
        }

        output.WriteLine($"longrun: checkpointing (SQLite) vs none over steps {FirstMeasuredStep}–{LongRunScript.ToolSteps - 1}: CPU/step {(all.Sqlite.Cpu / all.None.Cpu) - 1:+0.0%;-0.0%} ({all.None.Cpu:N0} -> {all.Sqlite.Cpu:N0} µs), " +
                         $"alloc/step {(all.Sqlite.Alloc / all.None.Alloc) - 1:+0.0%;-0.0%}; checkpoint file {dbBytes / (1024.0 * 1024):N1} MB");
    }
}
