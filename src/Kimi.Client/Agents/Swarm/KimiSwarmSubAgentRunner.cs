namespace Kimi.Client.Agents;

/// <summary>
/// Runs a swarm's sub-agents somewhere other than in the swarm's process (Kimi.Client.Orleans runs each one in a grain). Set it
/// as <see cref="KimiSwarmOptions.SubAgentRunner"/>; without one, sub-agents are <see cref="KimiAgent"/> runs in this process.
/// </summary>
/// <remarks>
/// The swarm still parses and validates the delegation, reserves each sub-agent's fair share in its budget (the account id is
/// <see cref="KimiSwarmSubTask.RunId"/>), limits how many run at once, and reports the results. The runner must charge the
/// sub-agent's model calls to that account, and may be asked to run the same sub-task again (after a resume): it should then
/// continue its checkpointed run, or return its result when it had finished.
/// </remarks>
public abstract class KimiSwarmSubAgentRunner
{
    /// <summary>Runs (or continues) one sub-agent to its end.</summary>
    /// <param name="task">The sub-task, with the sub-agent's run id.</param>
    /// <param name="cancellationToken">Stops the sub-agent (the swarm was cancelled or the sub-agent timed out).</param>
    /// <returns>How it ended; an exception is reported to the orchestrator as the sub-agent's error.</returns>
    public abstract Task<KimiSwarmSubAgentResult> RunAsync(KimiSwarmSubTask task, CancellationToken cancellationToken);
}
