using Kimi.Client.Agents;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Orleans;

/// <summary>What a silo's swarm grains share: the client, the tools and the options, created once per silo on first use.</summary>
internal sealed class SwarmSiloServices
{
    private readonly Lazy<KimiClient> _client;
    private readonly Lazy<AIFunction[]> _tools;

    public SwarmSiloServices(IServiceProvider services, IOptions<KimiClusterSwarmOptions> options)
    {
        Options = options.Value;
        _client = new(() => Options.Client?.Invoke(services) ?? services.GetService<KimiClient>()
            ?? throw new InvalidOperationException("The swarm has no KimiClient: register one in the silo's services (AddKimiClient) or set KimiClusterSwarmOptions.Client."));
        _tools = new(() => [.. Options.Tools?.Invoke(services) ?? []]);
    }

    public KimiClusterSwarmOptions Options { get; }

    public KimiClient Client => _client.Value;

    public IReadOnlyList<AIFunction> Tools => _tools.Value;

    public KimiPricing? Pricing => Options.Swarm.Pricing ?? Client.Provider.Pricing;

    /// <summary>A fresh ledger from the options' limits.</summary>
    public KimiSwarmBudget NewBudget()
    {
        var swarm = Options.Swarm;
        return new KimiSwarmBudget(swarm.MaxSteps, swarm.MaxTotalTokens, swarm.MaxCostUsd, swarm.MaxWallTime, Pricing, swarm.TimeProvider);
    }

    /// <summary>The budget of a swarm run as this silo reaches it: its budget grain.</summary>
    public GrainSwarmBudget Budget(IGrainFactory grains, string swarmRunId) =>
        new(grains.GetGrain<IKimiSwarmBudgetGrain>(swarmRunId), Options.SiloLossTimeout, Options.Swarm.TimeProvider);

    /// <summary>The orchestrator of a swarm run: a <see cref="KimiSwarm"/> whose sub-agents are grains, whose budget is the grain's, and whose checkpoint is <paramref name="store"/>.</summary>
    /// <exception cref="InvalidOperationException">The options set what the cluster sets.</exception>
    public KimiSwarm Swarm(IGrainFactory grains, string swarmRunId, IKimiAgentCheckpointStore store, GrainSwarmBudget budget)
    {
        var template = Options.Swarm ?? throw new InvalidOperationException("KimiClusterSwarmOptions.Swarm is null.");
        if (template.CheckpointStore is not null || template.SubAgentRunner is not null || template.BudgetFactory is not null)
        {
            throw new InvalidOperationException(
                "KimiClusterSwarmOptions.Swarm sets CheckpointStore, SubAgentRunner or BudgetFactory; on Orleans the cluster sets them (grain state, sub-agent grains, the budget grain): leave them unset.");
        }

        var options = new KimiSwarmOptions
        {
            MaxConcurrentSubAgents = template.MaxConcurrentSubAgents,
            MaxSteps = template.MaxSteps,
            MaxTotalTokens = template.MaxTotalTokens,
            MaxCostUsd = template.MaxCostUsd,
            MaxWallTime = template.MaxWallTime,
            SubAgentTimeout = template.SubAgentTimeout,
            Pricing = template.Pricing,
            DelegateToolName = template.DelegateToolName,
            SubAgentInstructions = template.SubAgentInstructions,
            IncludeSubAgentModelUpdates = template.IncludeSubAgentModelUpdates,
            Orchestrator = template.Orchestrator,
            SubAgents = template.SubAgents,
            TimeProvider = template.TimeProvider,
            CheckpointStore = store,
            SubAgentRunner = new GrainSubAgentRunner(grains, swarmRunId, Options.SiloLossTimeout),
            BudgetFactory = _ => budget,
        };
        return new KimiSwarm(Client, Tools, options);
    }

    /// <summary>A sub-agent with <paramref name="toolNames"/>, checkpointed to <paramref name="store"/>.</summary>
    public KimiAgent SubAgent(IReadOnlyList<string> toolNames, IKimiAgentCheckpointStore store)
    {
        var template = Options.Swarm.SubAgents;
        var options = new KimiAgentOptions
        {
            MaxSteps = template.MaxSteps,
            MaxTotalTokens = template.MaxTotalTokens,
            MaxCostUsd = template.MaxCostUsd,
            MaxWallTime = template.MaxWallTime,
            Pricing = template.Pricing ?? Options.Swarm.Pricing,
            MaxParallelToolCalls = template.MaxParallelToolCalls,
            StopOnToolError = template.StopOnToolError,
            CallOptions = template.CallOptions,
            UseStreaming = template.UseStreaming,
            HistoryReducer = template.HistoryReducer,
            Compaction = template.Compaction,
            ContextWindow = template.ContextWindow,
            CheckpointStore = store,
            InterruptedToolCallHandler = template.InterruptedToolCallHandler,
            WebSearch = template.WebSearch,
            MaxWebSearchRounds = template.MaxWebSearchRounds,
            TimeProvider = template.TimeProvider,
        };
        options.IdempotentTools.UnionWith(template.IdempotentTools);
        return new KimiAgent(Client, Tools.Where(t => toolNames.Contains(t.Name)), options);
    }
}
