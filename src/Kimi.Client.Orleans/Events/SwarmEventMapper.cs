using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// The one mapping from the in-process swarm's events to what crosses the wire. Model-call, tool, run and sub-agent events
/// cross; streamed model deltas (a grain call per token would swamp the cluster), checkpoint writes and compactions do not.
/// Tool arguments and results stay in the silo; errors are cut to a short text.
/// </summary>
internal static class SwarmEventMapper
{
    private const int MaxText = 300;

    public static EventData? Map(KimiAgentEvent item, TimeProvider time) => item switch
    {
        KimiAgentModelCallStarted => Data(item, KimiClusterSwarmEventKind.ModelCallStarted, time),
        KimiAgentModelCallCompleted call => Data(item, KimiClusterSwarmEventKind.ModelCallCompleted, time, usage: call.Budget.Usage, cost: call.Budget.CostUsd),
        KimiAgentToolStarted tool => Data(item, KimiClusterSwarmEventKind.ToolStarted, time, name: tool.ToolCall.Name),
        KimiAgentToolCompleted tool => Data(item, KimiClusterSwarmEventKind.ToolCompleted, time, name: tool.ToolCall.Name, text: tool.Error?.Message),
        KimiAgentRunResumed resumed => Data(item, KimiClusterSwarmEventKind.RunResumed, time, usage: resumed.Budget.Usage, cost: resumed.Budget.CostUsd),
        KimiAgentRunCompleted end => Data(item, KimiClusterSwarmEventKind.RunCompleted, time, usage: end.Result.Usage, cost: end.Result.CostUsd,
            text: end.Result.Exception is { } ex ? $"{end.Result.StopReason}: {ex.Message}" : end.Result.StopReason.ToString()),
        KimiSwarmSubAgentStarted started => Data(item, KimiClusterSwarmEventKind.SubAgentStarted, time, name: started.Task.Name, text: started.Resumed ? "resumed" : null),
        KimiSwarmSubAgentCompleted end => Data(item, KimiClusterSwarmEventKind.SubAgentCompleted, time, name: end.Result.Task.Name, usage: end.Result.Usage, cost: end.Result.CostUsd,
            text: end.Result.Error ?? end.Result.StopReason?.ToString()),
        KimiSwarmRunCompleted end => Data(item, KimiClusterSwarmEventKind.SwarmCompleted, time, step: end.Result.Steps, usage: end.Result.Usage, cost: end.Result.CostUsd,
            text: end.Result.StopReason.ToString()),
        _ => null,
    };

    /// <summary>A gap in the log: <paramref name="missed"/> events (when known) of <paramref name="runId"/> are missing, for <paramref name="reason"/>.</summary>
    public static EventData Gap(string runId, string? parentRunId, long? missed, string reason, TimeProvider time) => new()
    {
        Kind = KimiClusterSwarmEventKind.Gap,
        RunId = runId,
        ParentRunId = parentRunId,
        MissedEvents = missed,
        Text = Short(reason),
        Timestamp = time.GetUtcNow(),
    };

    private static EventData Data(KimiAgentEvent item, KimiClusterSwarmEventKind kind, TimeProvider time, string? name = null, string? text = null, TokenUsage? usage = null, decimal? cost = null, int? step = null) => new()
    {
        Kind = kind,
        RunId = item.RunId,
        ParentRunId = item.ParentRunId,
        Step = step ?? item.Step,
        Name = name,
        Text = Short(text),
        Usage = UsageData.From(usage),
        CostUsd = cost,
        Timestamp = time.GetUtcNow(),
    };

    private static string? Short(string? text) => text is null || text.Length <= MaxText ? text : string.Concat(text.AsSpan(0, MaxText - 1), "…");
}
