namespace Kimi.Client.Agents;

/// <summary>Budgets and behaviour of a <see cref="KimiSwarm"/>: the shared budget, the concurrency limit, and the orchestrator's and sub-agents' loops.</summary>
public sealed class KimiSwarmOptions
{
    /// <summary>Creates the defaults: 300 sub-agents at once, 4,000 steps for the whole swarm.</summary>
    public KimiSwarmOptions()
    {
        Orchestrator = new KimiAgentOptions { MaxSteps = null };
        SubAgents = new KimiAgentOptions();
    }

    /// <summary>How many sub-agents run at once, over every delegation. Default: 300.</summary>
    public int MaxConcurrentSubAgents { get; set; } = 300;

    /// <summary>Most model calls of the whole swarm (orchestrator and sub-agents). Default: 4,000.</summary>
    public int? MaxSteps { get; set; } = 4_000;

    /// <summary>Most tokens (input + output) of the whole swarm.</summary>
    public long? MaxTotalTokens { get; set; }

    /// <summary>Most US dollars the whole swarm may spend; needs a price (<see cref="Pricing"/> or the provider's).</summary>
    public decimal? MaxCostUsd { get; set; }

    /// <summary>Longest the whole swarm may run.</summary>
    public TimeSpan? MaxWallTime { get; set; }

    /// <summary>Longest one sub-agent may run; one that runs out reports a timeout to the orchestrator.</summary>
    public TimeSpan? SubAgentTimeout { get; set; }

    /// <summary>Prices for cost. Default: the provider's published price.</summary>
    public KimiPricing? Pricing { get; set; }

    /// <summary>
    /// Where every run of the swarm (orchestrator and sub-agents) is checkpointed, so <see cref="KimiSwarm.ResumeAsync"/> can
    /// continue it; it replaces the stores of <see cref="Orchestrator"/> and <see cref="SubAgents"/>. Default: none.
    /// </summary>
    public IKimiAgentCheckpointStore? CheckpointStore { get; set; }

    /// <summary>The name of the tool the orchestrator delegates with. Default: <c>delegate_tasks</c>.</summary>
    public string DelegateToolName { get; set; } = "delegate_tasks";

    /// <summary>The sub-agents' system prompt when a sub-task gives none.</summary>
    public string SubAgentInstructions { get; set; } =
        "You are a sub-agent in a swarm. Do the task you are given with the tools you have, then answer with a short report of what you found or did.";

    /// <summary>Whether sub-agents' streamed deltas (<see cref="KimiAgentModelUpdate"/>) are reported too; the orchestrator's always are. Default: <see langword="false"/>.</summary>
    public bool IncludeSubAgentModelUpdates { get; set; }

    /// <summary>The orchestrator's loop (thinking, streaming, compaction …). Its own budgets still apply under the swarm's. Default: no step limit of its own.</summary>
    public KimiAgentOptions Orchestrator { get; set; }

    /// <summary>Every sub-agent's loop. Its budgets are per sub-agent (<see cref="KimiAgentOptions.MaxSteps"/> 50 by default), under the swarm's fair share.</summary>
    public KimiAgentOptions SubAgents { get; set; }

    /// <summary>Runs sub-agents elsewhere (for example as Orleans grains); <see langword="null"/> (the default) runs them in this process.</summary>
    public KimiSwarmSubAgentRunner? SubAgentRunner { get; set; }

    /// <summary>
    /// Creates the budget of a swarm run from its run id, for a ledger kept elsewhere (for example in a grain, shared by
    /// several processes); it must already hold what the run spent before a resume. <see langword="null"/> (the default): a
    /// <see cref="KimiSwarmBudget"/> in this process from the limits above, restored from the checkpoints on resume.
    /// </summary>
    public Func<string, KimiSwarmBudget>? BudgetFactory { get; set; }

    /// <summary>The clock for <see cref="MaxWallTime"/> and <see cref="SubAgentTimeout"/>. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
