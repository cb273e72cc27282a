namespace Kimi.Client.Agents;

/// <summary>One sub-task the orchestrator delegated, as the sub-agent that runs it sees it.</summary>
public sealed class KimiSwarmSubTask
{
    /// <summary>Creates a sub-task.</summary>
    /// <param name="runId">The sub-agent's run id (derived from the swarm's run id and the sub-task, so delegating it again continues the same run).</param>
    /// <param name="parentRunId">The orchestrator's run id.</param>
    /// <param name="name">A short name for the sub-task.</param>
    /// <param name="instructions">What the sub-agent is asked to do (its user message).</param>
    /// <param name="systemPrompt">Its role, or <see langword="null"/> for the swarm's default.</param>
    /// <param name="toolNames">The tools it may use, by name.</param>
    /// <param name="maxSteps">The most model calls it may make, or <see langword="null"/> for its fair share.</param>
    public KimiSwarmSubTask(string runId, string parentRunId, string name, string instructions, string? systemPrompt, IReadOnlyList<string> toolNames, int? maxSteps)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        ArgumentException.ThrowIfNullOrEmpty(parentRunId);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(instructions);
        ArgumentNullException.ThrowIfNull(toolNames);
        RunId = runId;
        ParentRunId = parentRunId;
        Name = name;
        Instructions = instructions;
        SystemPrompt = systemPrompt;
        ToolNames = toolNames;
        MaxSteps = maxSteps;
    }

    /// <summary>The sub-agent's run id.</summary>
    public string RunId { get; }

    /// <summary>The orchestrator's run id.</summary>
    public string ParentRunId { get; }

    /// <summary>The sub-task's short name.</summary>
    public string Name { get; }

    /// <summary>What the sub-agent is asked to do.</summary>
    public string Instructions { get; }

    /// <summary>Its role (system prompt), or <see langword="null"/> for <see cref="KimiSwarmOptions.SubAgentInstructions"/>.</summary>
    public string? SystemPrompt { get; }

    /// <summary>The tools it may use, by name.</summary>
    public IReadOnlyList<string> ToolNames { get; }

    /// <summary>The most model calls it may make, or <see langword="null"/> for its fair share and what is free.</summary>
    public int? MaxSteps { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({RunId})";
}
