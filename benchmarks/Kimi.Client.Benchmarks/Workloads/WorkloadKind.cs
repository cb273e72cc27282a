namespace Kimi.Client.Benchmarks.Workloads;

/// <summary>What a workload asks of a client.</summary>
public enum WorkloadKind
{
    NonStreaming,
    TextStreaming,
    ToolStreaming,
    LongHistory,

    /// <summary>The text-streaming shape with the reasoning inline in content (a server without a reasoning parser).</summary>
    InlineReasoningStreaming,
}
