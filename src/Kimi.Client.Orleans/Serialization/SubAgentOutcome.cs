using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>A <see cref="KimiSwarmSubAgentResult"/> on the wire (and in the orchestrator's saved result).</summary>
[GenerateSerializer, Immutable]
internal sealed class SubAgentOutcome
{
    [Id(0)] public required SubTaskData Task { get; init; }
    [Id(1)] public int? StopReason { get; init; }
    [Id(2)] public required string Text { get; init; }
    [Id(3)] public int Steps { get; init; }
    [Id(4)] public required UsageData Usage { get; init; }
    [Id(5)] public decimal? CostUsd { get; init; }
    [Id(6)] public string? Error { get; init; }

    public static SubAgentOutcome From(KimiSwarmSubAgentResult result) => new()
    {
        Task = SubTaskData.From(result.Task),
        StopReason = (int?)result.StopReason,
        Text = result.Text,
        Steps = result.Steps,
        Usage = UsageData.From(result.Usage)!,
        CostUsd = result.CostUsd,
        Error = result.Error,
    };

    public KimiSwarmSubAgentResult ToResult() => new(Task.ToTask(), (KimiAgentStopReason?)StopReason, Text, Steps, Usage.ToUsage(), CostUsd, Error);
}
