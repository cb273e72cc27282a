using System.Diagnostics;
using System.Globalization;
using Kimi.Client.Benchmarks.Clients;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--ratio WORKLOAD [WINDOWS]</c>: Kimi.Client against the floor in one process, in alternating windows of equal work
/// (every result verified), and the ratio of their fastest, lower-quartile and median windows. On a noisy machine (a VM whose
/// neighbours come and go) BenchmarkDotNet's eight iterations per row can move a ratio by ±0.1 between runs; alternating short
/// windows expose both clients to the same noise, and the fastest windows are the ones it touched least. A check between
/// BenchmarkDotNet runs, not a replacement for them (docs/benchmarks.md).
/// </summary>
internal static class RatioLoop
{
    public static async Task<int> RunAsync(string workloadName, int windows, TextWriter output)
    {
        var workload = WorkloadCatalog.Get(Enum.Parse<WorkloadKind>(workloadName, ignoreCase: true));
        using var clients = new ClientSet();
        BenchClient[] pair = [clients.Floor, clients.Kimi];
        foreach (var client in pair)
        {
            client.Serve(workload);
        }

        var calls = Math.Max(20, 20_000 / workload.Chunks); // about 0.1 s a window for each client
        for (var i = 0; i < 3; i++)
        {
            foreach (var client in pair)
            {
                await WindowAsync(client, workload, calls); // warm-up: tiered JIT settles
            }
        }

        var times = new[] { new List<double>(windows), new List<double>(windows) };
        for (var i = 0; i < windows; i++)
        {
            for (var n = 0; n < pair.Length; n++)
            {
                var c = (i + n) % pair.Length; // each client goes first in every other pair of windows
                times[c].Add(await WindowAsync(pair[c], workload, calls));
            }
        }

        foreach (var list in times)
        {
            list.Sort();
        }

        double At(List<double> sorted, double quantile) => sorted[(int)(quantile * (sorted.Count - 1))];
        string Row(string label, double quantile) => string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {At(times[0], quantile) / 1000:N2} µs | {At(times[1], quantile) / 1000:N2} µs | {At(times[1], quantile) / At(times[0], quantile):N3}× |");

        output.WriteLine($"ratio on {workload.Name}: {windows} alternating windows of {calls:N0} calls each");
        output.WriteLine("| Window | Floor | Kimi.Client | Kimi / floor |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        output.WriteLine(Row("fastest", 0));
        output.WriteLine(Row("lower quartile", 0.25));
        output.WriteLine(Row("median", 0.5));
        return 0;
    }

    private static async Task<double> WindowAsync(BenchClient client, Workload workload, int calls)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            workload.Verify(await client.RunAsync(workload), client.Name);
        }

        return watch.Elapsed.TotalNanoseconds / calls;
    }
}
