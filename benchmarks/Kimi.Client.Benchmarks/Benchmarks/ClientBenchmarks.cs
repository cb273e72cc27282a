using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Kimi.Client.Benchmarks.Clients;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Benchmarks;

/// <summary>
/// The four clients on one workload; the floor is the baseline, so BenchmarkDotNet's Ratio and Alloc Ratio columns
/// are ratios to it. Every call verifies content, reasoning, argument lengths and usage (it throws on a mismatch).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public abstract class ClientBenchmarks
{
    private ClientSet _clients = null!;
    private Workload _workload = null!;

    protected abstract WorkloadKind Kind { get; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = WorkloadCatalog.Get(Kind);
        _clients = new ClientSet();
        foreach (var client in _clients.All)
        {
            client.Serve(_workload);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _clients.Dispose();

    [Benchmark(Baseline = true, Description = "Floor")]
    public async Task Floor() => _workload.Verify(await _clients.Floor.RunAsync(_workload), "floor");

    [Benchmark(Description = "Kimi.Client")]
    public async Task Kimi() => _workload.Verify(await _clients.Kimi.RunAsync(_workload), "Kimi.Client");

    [Benchmark(Description = "OpenAI 2.15")]
    public async Task OpenAI() => _workload.Verify(await _clients.OpenAI.RunAsync(_workload), "OpenAI");

    [Benchmark(Description = "MEAI 10.11")]
    public async Task Meai() => _workload.Verify(await _clients.Meai.RunAsync(_workload), "MEAI");
}

/// <summary>About 3 KB response with about 0.8 KB of reasoning and a usage block.</summary>
[BenchmarkCategory("NonStreaming")]
public class NonStreaming : ClientBenchmarks
{
    protected override WorkloadKind Kind => WorkloadKind.NonStreaming;
}

/// <summary>1,002 Moonshot chunks: 200 reasoning deltas, 800 content deltas, finish with usage, usage chunk, [DONE].</summary>
[BenchmarkCategory("TextStreaming")]
public class TextStreaming : ClientBenchmarks
{
    protected override WorkloadKind Kind => WorkloadKind.TextStreaming;
}

/// <summary>A tool call whose 1.7 KB arguments arrive in 200 fragments (223 chunks in all).</summary>
[BenchmarkCategory("ToolStreaming")]
public class ToolStreaming : ClientBenchmarks
{
    protected override WorkloadKind Kind => WorkloadKind.ToolStreaming;
}

/// <summary>An agent's 200-step history sent (about 250 KB), a tiny completion back: serialization cost per request byte.</summary>
[BenchmarkCategory("LongHistory")]
public class LongHistory : ClientBenchmarks
{
    protected override WorkloadKind Kind => WorkloadKind.LongHistory;
}
