namespace Kimi.Client.Benchmarks.Workloads;

/// <summary>What a workload asks of a client.</summary>
public enum WorkloadKind
{
    NonStreaming,
    TextStreaming,
    ToolStreaming,
    LongHistory,
}
