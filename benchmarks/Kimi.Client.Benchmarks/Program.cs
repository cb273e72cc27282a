using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Kimi.Client.Benchmarks;
using Kimi.Client.Benchmarks.Reporting;

// --validate: every client × workload once, results checked, no timing (CI runs this).
// Otherwise: BenchmarkDotNet (all benchmarks unless --filter is given), then the ratio report.
if (args.Contains("--validate"))
{
    return await Validation.RunAsync(Console.Out);
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
