namespace Kimi.Client.Agents;

/// <summary>
/// Something that happened in an agent run, observed as it happens. Match on the sealed subclasses:
/// <see cref="KimiAgentModelCallStarted"/>, <see cref="KimiAgentModelUpdate"/>, <see cref="KimiAgentModelCallCompleted"/>,
/// <see cref="KimiAgentToolStarted"/>, <see cref="KimiAgentToolCompleted"/>, <see cref="KimiAgentHistoryCompacted"/>,
/// <see cref="KimiAgentCheckpointSaved"/>, <see cref="KimiAgentRunResumed"/> and, last, <see cref="KimiAgentRunCompleted"/>.
/// </summary>
public abstract class KimiAgentEvent
{
    private protected KimiAgentEvent(string runId, int step)
    {
        RunId = runId;
        Step = step;
    }

    /// <summary>The run this event belongs to.</summary>
    public string RunId { get; }

    /// <summary>The model call (1-based) this event belongs to; 0 before the first call.</summary>
    public int Step { get; }

    /// <summary>The run that started this event's run (a swarm's orchestrator for a sub-agent), or <see langword="null"/> for a top-level run.</summary>
    public string? ParentRunId { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Step}: {GetType().Name["KimiAgent".Length..]}";
}
