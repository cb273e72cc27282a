namespace Kimi.Client.Agents;

/// <summary>One checkpoint record in memory: the change of one part of a step, with the run's sums after it.</summary>
internal sealed record CheckpointRecord
{
    public required CheckpointRecordKind Kind { get; init; }

    /// <summary>Model calls made so far (summaries included).</summary>
    public required int Step { get; init; }

    /// <summary>Wall time the run has spent so far, across resumes.</summary>
    public required long ElapsedMilliseconds { get; init; }

    /// <summary>Started: the opening messages. ModelCall: the assistant turn. ToolCompleted: the tool result. Compacted: the replacement.</summary>
    public IReadOnlyList<KimiMessage> Messages { get; init; } = [];

    /// <summary>ModelCall and Compacted (summary): that call's usage.</summary>
    public TokenUsage? CallUsage { get; init; }

    /// <summary>Usage summed over the run after this record; checked on replay.</summary>
    public required TokenUsage TotalUsage { get; init; }

    /// <summary>Cost summed over the run after this record, when priced; checked on replay.</summary>
    public decimal? TotalCost { get; init; }

    /// <summary>ToolStarted and ToolCompleted: the call's id.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>Compacted: first replaced message.</summary>
    public int ReplaceStart { get; init; }

    /// <summary>Compacted: how many messages were replaced.</summary>
    public int ReplaceCount { get; init; }

    /// <summary>Ended: why.</summary>
    public KimiAgentStopReason? StopReason { get; init; }
}
