namespace Kimi.Client.Agents;

/// <summary>
/// Where a run sits in a larger one (a swarm's sub-agent under its orchestrator): its parent, its name, and the shared
/// budget it is charged to. Pass it to <see cref="KimiAgent.RunStreamingAsync(string, IEnumerable{KimiMessage}, KimiAgentRunContext?, CancellationToken)"/>.
/// </summary>
public sealed class KimiAgentRunContext
{
    /// <summary>The run that started this one; set on every event of the run (<see cref="KimiAgentEvent.ParentRunId"/>) and on its trace span.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The agent's name, for traces (<c>invoke_agent {name}</c>, <c>gen_ai.agent.name</c>).</summary>
    public string? AgentName { get; init; }

    /// <summary>The shared budget this run is charged to, asked before every model call; <see langword="null"/> for none.</summary>
    public IKimiAgentBudgetAccount? Budget { get; init; }
}
