namespace Kimi.Client.Orleans;

/// <summary>What a <see cref="KimiClusterSwarmEvent"/> reports. Each kind but <see cref="Gap"/> stands for one of the in-process swarm's events.</summary>
public enum KimiClusterSwarmEventKind
{
    /// <summary>The orchestrator delegated a sub-task and its sub-agent starts (<see cref="Agents.KimiSwarmSubAgentStarted"/>); <see cref="KimiClusterSwarmEvent.Name"/> is the sub-task's name.</summary>
    SubAgentStarted,

    /// <summary>A run is about to call the model (<see cref="Agents.KimiAgentModelCallStarted"/>).</summary>
    ModelCallStarted,

    /// <summary>A run's model call finished (<see cref="Agents.KimiAgentModelCallCompleted"/>); the usage is the run's so far.</summary>
    ModelCallCompleted,

    /// <summary>A run's tool is about to run (<see cref="Agents.KimiAgentToolStarted"/>); <see cref="KimiClusterSwarmEvent.Name"/> is the tool's name.</summary>
    ToolStarted,

    /// <summary>A run's tool returned or failed (<see cref="Agents.KimiAgentToolCompleted"/>); <see cref="KimiClusterSwarmEvent.Text"/> is the failure, if any.</summary>
    ToolCompleted,

    /// <summary>A run continues from its checkpoint (<see cref="Agents.KimiAgentRunResumed"/>), for example on another silo; the usage is the run's as recorded.</summary>
    RunResumed,

    /// <summary>A run (the orchestrator's, or a sub-agent's loop) ended (<see cref="Agents.KimiAgentRunCompleted"/>); the usage is the run's own total.</summary>
    RunCompleted,

    /// <summary>A sub-agent's result reached the orchestrator (<see cref="Agents.KimiSwarmSubAgentCompleted"/>); the usage is the sub-agent's total.</summary>
    SubAgentCompleted,

    /// <summary>The swarm ended (<see cref="Agents.KimiSwarmRunCompleted"/>); the usage and cost are the swarm's sums. The last event of a run that ended.</summary>
    SwarmCompleted,

    /// <summary>
    /// Events are missing before this one: the watcher fell behind the log's capacity, the orchestrator's silo was lost
    /// (its log with it), or a sub-agent could not deliver events (<see cref="KimiClusterSwarmEvent.MissedEvents"/> says how many, when known).
    /// </summary>
    Gap,
}
