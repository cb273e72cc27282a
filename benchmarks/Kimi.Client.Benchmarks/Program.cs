using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Kimi.Client.Benchmarks;
using Kimi.Client.Benchmarks.Load;
using Kimi.Client.Benchmarks.Reporting;

// --validate: every client × workload once, results checked, no timing (CI runs this).
// --profile CLIENT WORKLOAD [SECONDS] [--types]: one client on one workload in a loop, for a profiler (docs/benchmarks.md).
// --ratio WORKLOAD [WINDOWS]: Kimi.Client and the floor in alternating windows, the ratio of their fastest and typical windows.
// --load / --agents / --swarm / --startup: the loopback load, agent-scale and start-up modes (docs/benchmarks.md); --serve and
// --first-call are their child processes. Otherwise: BenchmarkDotNet (all benchmarks unless --filter is given), then the ratio report.
if (args.Contains("--validate"))
{
    return await Validation.RunAsync(Console.Out);
}

string? ArgAfter(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
switch (args.FirstOrDefault())
{
    case "--load":
        return await LoadTest.RunAsync(Console.Out);
    case "--agents":
        var scale = await AgentScale.RunAsync(Console.Out);
        return await AgentLongRun.RunAsync(Console.Out) | scale;
    case "--swarm":
        return await SwarmBench.RunAsync(Console.Out);
    case "--longrun":
        return await AgentLongRun.RunAsync(Console.Out);
    case "--startup":
        return await StartupTest.RunAsync(Console.Out);
    case "--serve":
        return await EmulatorServer.RunAsync(ArgAfter("--serve") ?? "load");
    case "--profile":
        return await ProfileLoop.RunAsync(ArgAfter("--profile") ?? "kimi", args.ElementAtOrDefault(2) ?? "TextStreaming",
            double.Parse(args.ElementAtOrDefault(3) is { } s && !s.StartsWith("--", StringComparison.Ordinal) ? s : "10", System.Globalization.CultureInfo.InvariantCulture),
            Console.Out, types: args.Contains("--types"));
    case "--ratio":
        return await RatioLoop.RunAsync(ArgAfter("--ratio") ?? "NonStreaming", int.Parse(args.ElementAtOrDefault(2) ?? "30", System.Globalization.CultureInfo.InvariantCulture), Console.Out);
    case "--first-call":
        return await StartupTest.FirstCallAsync(ArgAfter("--first-call") ?? "kimi", args.Contains("--phases"));
}

string[] benchmarkArgs = args.Any(a => a is "--filter" or "-f" || a.StartsWith("--filter=", StringComparison.Ordinal) || a is "--list" or "--help" or "-h" or "--info")
    ? args
    : ["--filter", "*", .. args];

var config = DefaultConfig.Instance.WithOptions(ConfigOptions.JoinSummary);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs, config).ToArray();
if (summaries.Length == 0)
{
    return 0;
}

await SummaryReport.WriteAsync(summaries, Console.Out);
return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
