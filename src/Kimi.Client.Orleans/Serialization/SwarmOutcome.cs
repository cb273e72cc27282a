namespace Kimi.Client.Orleans;

/// <summary>How a swarm run ended, as the orchestrator grain keeps and returns it.</summary>
[GenerateSerializer, Immutable]
internal sealed class SwarmOutcome
{
    [Id(0)] public required string RunId { get; init; }
    [Id(1)] public int StopReason { get; init; }
    [Id(2)] public required string Text { get; init; }
    [Id(3)] public int Steps { get; init; }
    [Id(4)] public required UsageData Usage { get; init; }
    [Id(5)] public decimal? CostUsd { get; init; }
    [Id(6)] public required SubAgentOutcome[] SubAgents { get; init; }
    [Id(7)] public int OrchestratorSteps { get; init; }
    [Id(8)] public string? Error { get; init; }
}
