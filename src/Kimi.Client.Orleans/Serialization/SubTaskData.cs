using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>A <see cref="KimiSwarmSubTask"/> on the wire.</summary>
[GenerateSerializer, Immutable]
internal sealed class SubTaskData
{
    [Id(0)] public required string RunId { get; init; }
    [Id(1)] public required string ParentRunId { get; init; }
    [Id(2)] public required string Name { get; init; }
    [Id(3)] public required string Instructions { get; init; }
    [Id(4)] public string? SystemPrompt { get; init; }
    [Id(5)] public required string[] ToolNames { get; init; }
    [Id(6)] public int? MaxSteps { get; init; }

    public static SubTaskData From(KimiSwarmSubTask task) => new()
    {
        RunId = task.RunId,
        ParentRunId = task.ParentRunId,
        Name = task.Name,
        Instructions = task.Instructions,
        SystemPrompt = task.SystemPrompt,
        ToolNames = [.. task.ToolNames],
        MaxSteps = task.MaxSteps,
    };

    public KimiSwarmSubTask ToTask() => new(RunId, ParentRunId, Name, Instructions, SystemPrompt, ToolNames, MaxSteps);
}
