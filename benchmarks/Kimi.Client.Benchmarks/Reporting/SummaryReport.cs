using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;
using Kimi.Client.Benchmarks.Clients;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Reporting;

/// <summary>
/// Turns BenchmarkDotNet's summaries into the table docs/benchmarks.md needs: ratios to the floor and to each peer,
/// bytes allocated per streamed chunk and per request byte, and issue 8's targets marked met or missed.
/// </summary>
internal static class SummaryReport
{
    private static readonly (string Method, string Name)[] Clients =
        [("Floor", "Floor"), ("Kimi", "Kimi.Client"), ("OpenAI", "OpenAI 2.15"), ("Meai", "MEAI 10.11")];

    public static async Task WriteAsync(Summary[] summaries, TextWriter console)
    {
        var results = new Dictionary<(WorkloadKind, string), (double MeanNs, long Bytes)>();
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            var descriptor = report.BenchmarkCase.Descriptor;
            if (!report.Success || report.ResultStatistics is null || descriptor.Categories.Length == 0
                || !Enum.TryParse<WorkloadKind>(descriptor.Categories[0], out var kind))
            {
                continue;
            }

            results[(kind, descriptor.WorkloadMethod.Name)] = (report.ResultStatistics.Mean, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0);
        }

        var requestBytes = await MeasureHistoryRequestBytesAsync();
        var markdown = Render(results, requestBytes);
        var path = Path.Combine(summaries[0].ResultsDirectoryPath, "Kimi.Client.Benchmarks-report.md");
        await File.WriteAllTextAsync(path, markdown);
        await console.WriteLineAsync();
        await console.WriteLineAsync(markdown);
        await console.WriteLineAsync($"Report written to {path}");
    }

    private static async Task<Dictionary<string, long>> MeasureHistoryRequestBytesAsync()
    {
        using var clients = new ClientSet();
        var bytes = new Dictionary<string, long>();
        var workload = WorkloadCatalog.LongHistory;
        foreach (var (method, client) in new (string, BenchClient)[] { ("Floor", clients.Floor), ("Kimi", clients.Kimi), ("OpenAI", clients.OpenAI), ("Meai", clients.Meai) })
        {
            client.Serve(workload);
            bytes[method] = (await client.RunAsync(workload)).RequestBytes;
        }

        return bytes;
    }

    private static string Render(Dictionary<(WorkloadKind, string), (double MeanNs, long Bytes)> results, Dictionary<string, long> requestBytes)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| Workload | Client | Mean | Allocated | Time vs floor | Alloc vs floor | Per unit |");
        sb.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (var workload in WorkloadCatalog.All)
        {
            if (!results.TryGetValue((workload.Kind, "Floor"), out var floor))
            {
                continue;
            }

            foreach (var (method, name) in Clients)
            {
                if (!results.TryGetValue((workload.Kind, method), out var r))
                {
                    continue;
                }

                var perUnit = workload.Kind switch
                {
                    WorkloadKind.TextStreaming or WorkloadKind.ToolStreaming => $"{r.Bytes / (double)workload.Chunks:N0} B/chunk ({workload.Chunks} chunks)",
                    WorkloadKind.LongHistory when requestBytes.TryGetValue(method, out var sent) =>
                        $"{sent:N0} request B; {r.MeanNs / sent:F2} ns and {r.Bytes / (double)sent:F2} B allocated per request byte",
                    _ => string.Empty,
                };
                sb.Append(CultureInfo.InvariantCulture, $"| {workload.Name} | {(method == "Kimi" ? "**Kimi.Client**" : name)} | {Time(r.MeanNs)} | {Size(r.Bytes)} | ")
                  .Append(CultureInfo.InvariantCulture, $"{r.MeanNs / floor.MeanNs:F2}× | {Ratio(r.Bytes, floor.Bytes)} | {perUnit} |").AppendLine();
            }
        }

        sb.AppendLine();
        sb.AppendLine("Kimi.Client against its peers (below 1 = Kimi.Client is faster / allocates less):");
        sb.AppendLine();
        sb.AppendLine("| Workload | Time vs OpenAI | Alloc vs OpenAI | Time vs MEAI | Alloc vs MEAI |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var workload in WorkloadCatalog.All)
        {
            if (results.TryGetValue((workload.Kind, "Kimi"), out var kimi)
                && results.TryGetValue((workload.Kind, "OpenAI"), out var openAI)
                && results.TryGetValue((workload.Kind, "Meai"), out var meai))
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {workload.Name} | {kimi.MeanNs / openAI.MeanNs:F2}× | {Ratio(kimi.Bytes, openAI.Bytes)} | ")
                  .Append(CultureInfo.InvariantCulture, $"{kimi.MeanNs / meai.MeanNs:F2}× | {Ratio(kimi.Bytes, meai.Bytes)} |").AppendLine();
            }
        }

        InlineReasoning(sb, results);

        sb.AppendLine();
        sb.AppendLine("Issue 11's targets (against the leaner floor):");
        sb.AppendLine();
        Target(sb, results, WorkloadCatalog.TextStreaming, "text streaming ≤ 1.5× the floor's time", (k, f) => k.MeanNs / f.MeanNs, 1.5, "F2", "×");
        Target(sb, results, WorkloadCatalog.TextStreaming, "text streaming ≤ 120 B allocated per chunk", (k, _) => k.Bytes / (double)WorkloadCatalog.TextStreaming.Chunks, 120, "F0", " B/chunk");
        Target(sb, results, WorkloadCatalog.ToolStreaming, "tool-call streaming ≤ 1.5× the floor's time", (k, f) => k.MeanNs / f.MeanNs, 1.5, "F2", "×");
        Target(sb, results, WorkloadCatalog.ToolStreaming, "tool-call streaming ≤ 120 B allocated per chunk", (k, _) => k.Bytes / (double)WorkloadCatalog.ToolStreaming.Chunks, 120, "F0", " B/chunk");
        Target(sb, results, WorkloadCatalog.NonStreaming, "non-streaming ≤ 1.2× the floor's time", (k, f) => k.MeanNs / f.MeanNs, 1.2, "F2", "×");
        foreach (var workload in WorkloadCatalog.All)
        {
            foreach (var (peer, peerName) in new[] { ("OpenAI", "OpenAI 2.15"), ("Meai", "MEAI 10.11") })
            {
                if (results.TryGetValue((workload.Kind, "Kimi"), out var kimi) && results.TryGetValue((workload.Kind, peer), out var other))
                {
                    var met = kimi.MeanNs < other.MeanNs && kimi.Bytes < other.Bytes;
                    sb.Append(CultureInfo.InvariantCulture, $"- {workload.Name}: faster and leaner than {peerName}: **{(met ? "met" : "missed")}** ")
                      .Append(CultureInfo.InvariantCulture, $"({kimi.MeanNs / other.MeanNs:F2}× the time, {Ratio(kimi.Bytes, other.Bytes)} the bytes)").AppendLine();
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>The splitter's rows (issue 16) against Kimi.Client's text-streaming row, with bytes per chunk off and on.</summary>
    private static void InlineReasoning(StringBuilder sb, Dictionary<(WorkloadKind, string), (double MeanNs, long Bytes)> results)
    {
        const WorkloadKind kind = WorkloadKind.InlineReasoningStreaming;
        if (!results.TryGetValue((kind, "ServerSplit"), out var baseline))
        {
            return;
        }

        sb.AppendLine();
        sb.AppendLine("Inline-reasoning splitter (Kimi.Client only; ratios to Kimi.Client's text-streaming row):");
        sb.AppendLine();
        sb.AppendLine("| Row | Mean | Allocated | Time vs text streaming | Alloc vs text streaming | Per chunk |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (method, name, workload) in new[]
        {
            ("ServerSplit", "text streaming (server split)", WorkloadCatalog.TextStreaming),
            ("InlineOff", "inline reasoning, splitter off", WorkloadCatalog.InlineReasoningStreamingUnsplit),
            ("InlineOn", "inline reasoning, splitter on", WorkloadCatalog.InlineReasoningStreaming),
        })
        {
            if (results.TryGetValue((kind, method), out var r))
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {name} | {Time(r.MeanNs)} | {Size(r.Bytes)} | {r.MeanNs / baseline.MeanNs:F2}× | {Ratio(r.Bytes, baseline.Bytes)} | ")
                  .Append(CultureInfo.InvariantCulture, $"{r.Bytes / (double)workload.Chunks:N0} B ({workload.Chunks} chunks) |").AppendLine();
            }
        }
    }

    private static void Target(
        StringBuilder sb,
        Dictionary<(WorkloadKind, string), (double MeanNs, long Bytes)> results,
        Workload workload,
        string what,
        Func<(double MeanNs, long Bytes), (double MeanNs, long Bytes), double> measure,
        double limit,
        string format,
        string unit)
    {
        if (results.TryGetValue((workload.Kind, "Kimi"), out var kimi) && results.TryGetValue((workload.Kind, "Floor"), out var floor))
        {
            var value = measure(kimi, floor);
            sb.Append(CultureInfo.InvariantCulture, $"- {what}: **{(value <= limit ? "met" : "missed")}** ({value.ToString(format, CultureInfo.InvariantCulture)}{unit})").AppendLine();
        }
    }

    private static string Ratio(long value, long baseline) => baseline == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{value / (double)baseline:F2}×");

    private static string Time(double ns) => ns switch
    {
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000:F2} ms"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000:F1} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns:F0} ns"),
    };

    private static string Size(long bytes) => bytes >= 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes} B");
}
