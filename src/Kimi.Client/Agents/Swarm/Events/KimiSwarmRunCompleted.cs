namespace Kimi.Client.Agents;

/// <summary>The swarm ended; always its last event.</summary>
public sealed class KimiSwarmRunCompleted : KimiAgentEvent
{
    internal KimiSwarmRunCompleted(KimiSwarmRunResult result)
        : base(result.RunId, result.Orchestrator.Steps) => Result = result;

    /// <summary>How it ended, with every sub-agent's result and the sums.</summary>
    public KimiSwarmRunResult Result { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{base.ToString()} {Result}";
}
