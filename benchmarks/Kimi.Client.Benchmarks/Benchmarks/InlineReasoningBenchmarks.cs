using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Kimi.Client.Benchmarks.Clients;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Benchmarks;

/// <summary>
/// The inline-reasoning splitter's cost (issue 16): Kimi.Client on the text-streaming workload (the server split the
/// reasoning; the baseline, the same row as <see cref="TextStreaming"/>'s), then on the same words streamed with the
/// reasoning inline in content and <c>&lt;/think&gt;</c> cut across two chunks, with the splitter off (one text) and on.
/// Every call verifies text and reasoning lengths and usage.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[BenchmarkCategory("InlineReasoningStreaming")]
public class InlineReasoningStreaming
{
    private KimiBenchClient _serverSplit = null!;
    private KimiBenchClient _off = null!;
    private KimiBenchClient _on = null!;

    [GlobalSetup]
    public void Setup()
    {
        _serverSplit = new KimiBenchClient();
        _serverSplit.Serve(WorkloadCatalog.TextStreaming);
        (_off, _on) = Clients();
        _off.Serve(WorkloadCatalog.InlineReasoningStreamingUnsplit);
        _on.Serve(WorkloadCatalog.InlineReasoningStreaming);
    }

    /// <summary>vLLM profiles with the splitter off and on.</summary>
    public static (KimiBenchClient Off, KimiBenchClient On) Clients() =>
        (new KimiBenchClient(KimiProvider.Vllm, "Kimi.Client (inline reasoning off)"),
         new KimiBenchClient(KimiProvider.Vllm with { InlineReasoning = true }, "Kimi.Client (inline reasoning on)"));

    [GlobalCleanup]
    public void Cleanup()
    {
        _serverSplit.Dispose();
        _off.Dispose();
        _on.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Kimi.Client, text streaming (server split)")]
    public async Task ServerSplit() => WorkloadCatalog.TextStreaming.Verify(await _serverSplit.StreamAsync(), "Kimi.Client");

    [Benchmark(Description = "Kimi.Client, inline reasoning, splitter off")]
    public async Task InlineOff() => WorkloadCatalog.InlineReasoningStreamingUnsplit.Verify(await _off.StreamAsync(), _off.Name);

    [Benchmark(Description = "Kimi.Client, inline reasoning, splitter on")]
    public async Task InlineOn() => WorkloadCatalog.InlineReasoningStreaming.Verify(await _on.StreamAsync(), _on.Name);
}
