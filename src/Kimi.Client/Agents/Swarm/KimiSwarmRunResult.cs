namespace Kimi.Client.Agents;

/// <summary>How a swarm run ended: the orchestrator's result, every sub-agent's, and the sums over all of them.</summary>
public sealed class KimiSwarmRunResult
{
    internal KimiSwarmRunResult(KimiAgentRunResult orchestrator, IReadOnlyList<KimiSwarmSubAgentResult> subAgents, KimiSwarmBudgetStatus budget, KimiAgentStopReason stopReason)
    {
        Orchestrator = orchestrator;
        SubAgents = subAgents;
        Steps = budget.Steps;
        Usage = budget.Usage;
        CostUsd = budget.CostUsd;
        StopReason = stopReason;
    }

    /// <summary>The swarm's run id (the orchestrator's; pass it to <see cref="KimiSwarm.ResumeAsync"/>).</summary>
    public string RunId => Orchestrator.RunId;

    /// <summary>Why the swarm ended: the orchestrator's stop reason, or <see cref="KimiAgentStopReason.WallTime"/> when the swarm's time ran out.</summary>
    public KimiAgentStopReason StopReason { get; }

    /// <summary>The orchestrator's final answer (empty if it stopped before one).</summary>
    public string Text => Orchestrator.Text;

    /// <summary>The orchestrator's run.</summary>
    public KimiAgentRunResult Orchestrator { get; }

    /// <summary>Every sub-agent that ran, in the order they were delegated (the latest result of each).</summary>
    public IReadOnlyList<KimiSwarmSubAgentResult> SubAgents { get; }

    /// <summary>Model calls of every run together, across resumes.</summary>
    public int Steps { get; }

    /// <summary>Usage of every run together, across resumes.</summary>
    public TokenUsage Usage { get; }

    /// <summary>Cost of every run together, when prices are known.</summary>
    public decimal? CostUsd { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{StopReason}: {SubAgents.Count} sub-agents, {Steps} steps; {Usage}{(CostUsd is { } c ? $"; ${c:0.######}" : string.Empty)}";
}
