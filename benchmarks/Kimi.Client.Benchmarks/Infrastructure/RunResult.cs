namespace Kimi.Client.Benchmarks.Infrastructure;

/// <summary>What one call produced, reduced to the numbers a <see cref="Workloads.Workload"/> checks.</summary>
public readonly record struct RunResult(
    int ContentLength,
    int ReasoningLength,
    int TotalTokens,
    string? ToolName = null,
    int ArgumentsLength = 0,
    bool ArgumentsAreParsed = false,
    long RequestBytes = 0,
    bool SentReasoning = true);
