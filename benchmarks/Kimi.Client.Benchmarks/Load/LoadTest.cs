using System.Diagnostics;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--load</c>: the floor, Kimi.Client and the OpenAI SDK each stream from the emulator on Kestrel at 127.0.0.1 (a child
/// process), 1, 64 and 300 streams at a time. Per level and client: an untimed warm-up round (JIT, connections), a full
/// GC, then the measured round: this process's CPU time and bytes allocated per stream (the server's are in the other
/// process) and the peak working set. Every stream's text, reasoning and usage are checked.
/// </summary>
internal static class LoadTest
{
    private static readonly (int Concurrency, int Streams)[] Levels = [(1, 200), (64, 384), (300, 600)];

    public static async Task<int> RunAsync(TextWriter output)
    {
        var total = Stopwatch.StartNew();
        await using var server = await ServerProcess.StartAsync("load");
        var clients = LoadClient.Create(server.BaseAddress);
        try
        {
            var canResetPeak = Meter.ResetPeakWorkingSet();
            output.WriteLine($"load: emulator (Moonshot dialect) at {server.BaseAddress} in process of its own; each stream is {LoadStream.ReasoningWords} reasoning + {LoadStream.ContentWords} content deltas, a finish chunk and usage");
            output.WriteLine($"      ({Environment.ProcessorCount} cores, server GC {System.Runtime.GCSettings.IsServerGC}; peak working set {(canResetPeak ? "reset before each round" : "since process start")})");
            foreach (var client in clients)
            {
                await RoundAsync(client, concurrency: 8, streams: 48); // first warm-up: JIT tiers up before any level
            }

            output.WriteLine();
            output.WriteLine("| Streams at once | Client | Streams | Wall | Client CPU / stream | Alloc / stream | Alloc / chunk | Peak working set | CPU vs floor | Alloc vs floor | Server CPU / stream |");
            output.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (concurrency, streams) in Levels)
            {
                Row? floor = null;
                foreach (var client in clients)
                {
                    await RoundAsync(client, concurrency, Math.Min(streams, Math.Max(concurrency, 16))); // warm-up: connections for this level
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    GC.Collect();
                    Meter.ResetPeakWorkingSet();
                    var serverStart = server.ProcessorTime;
                    var start = Meter.Now();
                    var wall = Stopwatch.StartNew();
                    await RoundAsync(client, concurrency, streams);
                    wall.Stop();
                    var (cpu, allocated) = Meter.Now() - start;
                    var serverCpu = server.ProcessorTime - serverStart;
                    var row = new Row(cpu.TotalMicroseconds / streams, (double)allocated / streams, Meter.PeakWorkingSet());
                    floor ??= row;
                    output.WriteLine(
                        $"| {concurrency} | {client.Name} | {streams} | {wall.Elapsed.TotalMilliseconds:N0} ms | {Micro(row.CpuMicros)} | {row.Allocated / 1024:N1} KB | " +
                        $"{row.Allocated / LoadStream.Chunks:N0} B | {row.PeakWorkingSet / (1024.0 * 1024):N0} MB | {row.CpuMicros / floor.CpuMicros:F2}× | " +
                        $"{row.Allocated / floor.Allocated:F2}× | {Micro(serverCpu.TotalMicroseconds / streams)} |");
                }
            }

            output.WriteLine();
            output.WriteLine($"load: {Levels.Sum(l => l.Streams) * clients.Length:N0} measured streams, every one checked; {total.Elapsed.TotalSeconds:F1} s");
            return 0;
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static string Micro(double micros) => micros >= 1000 ? $"{micros / 1000:F2} ms" : $"{micros:N0} µs";

    /// <summary>Runs <paramref name="streams"/> streams, at most <paramref name="concurrency"/> at a time, checking each.</summary>
    private static async Task RoundAsync(LoadClient client, int concurrency, int streams)
    {
        var next = -1;
        var workers = new Task[Math.Min(concurrency, streams)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                while (Interlocked.Increment(ref next) < streams)
                {
                    client.Verify(await client.StreamAsync());
                }
            });
        }

        await Task.WhenAll(workers);
    }

    private sealed record Row(double CpuMicros, double Allocated, long PeakWorkingSet);
}
