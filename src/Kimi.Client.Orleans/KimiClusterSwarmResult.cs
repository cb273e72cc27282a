using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>How a swarm run on the cluster ended: the orchestrator's answer, each sub-agent's result, and the sums over every silo.</summary>
public sealed class KimiClusterSwarmResult
{
    internal KimiClusterSwarmResult(SwarmOutcome outcome)
    {
        RunId = outcome.RunId;
        StopReason = (KimiAgentStopReason)outcome.StopReason;
        Text = outcome.Text;
        Steps = outcome.Steps;
        OrchestratorSteps = outcome.OrchestratorSteps;
        Usage = outcome.Usage.ToUsage();
        CostUsd = outcome.CostUsd;
        SubAgents = [.. outcome.SubAgents.Select(s => s.ToResult())];
        Error = outcome.Error;
    }

    /// <summary>The swarm's run id.</summary>
    public string RunId { get; }

    /// <summary>Why the swarm ended (the orchestrator's stop reason, or <see cref="KimiAgentStopReason.WallTime"/>).</summary>
    public KimiAgentStopReason StopReason { get; }

    /// <summary>The orchestrator's final answer (empty if it stopped before one).</summary>
    public string Text { get; }

    /// <summary>Model calls of every run together, on every silo, across silo losses.</summary>
    public int Steps { get; }

    /// <summary>The orchestrator's own model calls.</summary>
    public int OrchestratorSteps { get; }

    /// <summary>Usage of every run together, as the shared budget recorded it.</summary>
    public TokenUsage Usage { get; }

    /// <summary>Cost of every run together, when prices are known.</summary>
    public decimal? CostUsd { get; }

    /// <summary>Every sub-agent of the orchestrator's last delegations, in order (the latest result of each).</summary>
    public IReadOnlyList<KimiSwarmSubAgentResult> SubAgents { get; }

    /// <summary>What ended the orchestrator, when it failed; otherwise <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{StopReason}: {SubAgents.Count} sub-agents, {Steps} steps; {Usage}{(CostUsd is { } c ? $"; ${c:0.######}" : string.Empty)}";
}
