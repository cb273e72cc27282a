namespace Kimi.Client.Agents;

/// <summary>A sub-agent ended; its result goes back to the orchestrator.</summary>
public sealed class KimiSwarmSubAgentCompleted : KimiAgentEvent
{
    internal KimiSwarmSubAgentCompleted(KimiSwarmSubAgentResult result)
        : base(result.RunId, result.Steps)
    {
        Result = result;
        ParentRunId = result.Task.ParentRunId;
    }

    /// <summary>How it ended.</summary>
    public KimiSwarmSubAgentResult Result { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{base.ToString()} {Result}";
}
