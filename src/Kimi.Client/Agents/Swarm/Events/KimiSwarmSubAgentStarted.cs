namespace Kimi.Client.Agents;

/// <summary>The orchestrator delegated a sub-task and its sub-agent starts (or continues, when it was checkpointed).</summary>
public sealed class KimiSwarmSubAgentStarted : KimiAgentEvent
{
    internal KimiSwarmSubAgentStarted(KimiSwarmSubTask task, bool resumed)
        : base(task.RunId, 0)
    {
        Task = task;
        Resumed = resumed;
        ParentRunId = task.ParentRunId;
    }

    /// <summary>The sub-task.</summary>
    public KimiSwarmSubTask Task { get; }

    /// <summary>Whether the sub-agent continues a checkpointed run.</summary>
    public bool Resumed { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{base.ToString()} {Task.Name}";
}
