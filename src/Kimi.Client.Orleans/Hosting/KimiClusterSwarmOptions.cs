using Kimi.Client.Agents;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Orleans;

/// <summary>
/// What every silo of a swarm cluster runs with: the client that calls the model, the tools sub-agents may use, and the
/// swarm's budgets and loops. Configure every silo alike (<see cref="KimiSwarmSiloBuilderExtensions.AddKimiSwarm"/>).
/// </summary>
public sealed class KimiClusterSwarmOptions
{
    /// <summary>Creates the client from the silo's services. Default (<see langword="null"/>): the <see cref="KimiClient"/> registered in the silo's services.</summary>
    public Func<IServiceProvider, KimiClient>? Client { get; set; }

    /// <summary>Creates the tools sub-agents may be given from the silo's services. Default (<see langword="null"/>): none.</summary>
    public Func<IServiceProvider, IEnumerable<AIFunction>>? Tools { get; set; }

    /// <summary>
    /// The swarm's budgets and loops, as for a <see cref="KimiSwarm"/> in one process. Leave <see cref="KimiSwarmOptions.CheckpointStore"/>,
    /// <see cref="KimiSwarmOptions.SubAgentRunner"/> and <see cref="KimiSwarmOptions.BudgetFactory"/> unset: the cluster sets them (grain
    /// state, sub-agent grains, the budget grain).
    /// </summary>
    public KimiSwarmOptions Swarm { get; set; } = new();

    /// <summary>
    /// Whether the client-side rate limits (<see cref="KimiClientOptions.RateLimit"/>) are one limit for the whole cluster
    /// rather than one per silo. When on, every <see cref="KimiClient"/> registered in the silo's services (<c>AddKimiClient</c>,
    /// the swarm's default <see cref="Client"/>) whose rate limits are set and that names no limiter of its own gets the
    /// <see cref="KimiClusterRateLimiter"/>: each host, base URL and key is then one grain holding the per-minute budgets and
    /// the concurrency slots for every silo. A client that <see cref="Client"/> builds itself is yours to set:
    /// <c>RateLimit.Limiter = services.GetRequiredService&lt;KimiClusterRateLimiter&gt;()</c>. Default: on.
    /// </summary>
    public bool ShareRateLimits { get; set; } = true;

    /// <summary>
    /// How long a grain call keeps being retried while the cluster notices a lost silo and moves its grains (their state is
    /// loaded on a live silo). Default: 2 minutes.
    /// </summary>
    public TimeSpan SiloLossTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How many of a swarm's latest events its orchestrator keeps for watchers (<see cref="KimiClusterSwarm.WatchAsync"/>), in
    /// memory. A watcher that falls further behind gets a <see cref="KimiClusterSwarmEventKind.Gap"/> in place of what it missed.
    /// Default: 4,096 (a few hundred bytes each).
    /// </summary>
    public int MaxLoggedEvents { get; set; } = 4_096;
}
