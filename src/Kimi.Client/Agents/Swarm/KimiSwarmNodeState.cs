namespace Kimi.Client.Agents;

/// <summary>Where one run of a swarm is.</summary>
public enum KimiSwarmNodeState
{
    /// <summary>Delegated, waiting for a free slot or its first call.</summary>
    Waiting = 0,

    /// <summary>Calling the model.</summary>
    Thinking = 1,

    /// <summary>Running tools (for the orchestrator: waiting for its sub-agents).</summary>
    RunningTools = 2,

    /// <summary>Ended with an answer.</summary>
    Completed = 3,

    /// <summary>Ended without one: a budget, a timeout or a cancellation.</summary>
    Stopped = 4,

    /// <summary>Ended with a failure.</summary>
    Failed = 5,
}
