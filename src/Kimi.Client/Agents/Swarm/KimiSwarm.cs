using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Agents;

/// <summary>
/// An agent swarm: an orchestrator <see cref="KimiAgent"/> that splits a task into sub-tasks and hands them, through a tool it
/// calls (<see cref="KimiSwarmOptions.DelegateToolName"/>), to sub-agents that run concurrently — each with its own history,
/// role and subset of the tools — and reads their results to delegate again or answer. One budget covers the whole swarm
/// (steps, tokens, cost, wall time) with a fair share per sub-agent; the per-provider rate limits are the client's, shared by
/// every run. A sub-agent that fails, times out or runs out of its share reports it to the orchestrator as a tool error; it
/// never ends the swarm.
/// </summary>
/// <remarks>
/// <para>
/// Events form a tree: every event has its run's <see cref="KimiAgentEvent.RunId"/> and <see cref="KimiAgentEvent.ParentRunId"/>
/// (the orchestrator's run id is the swarm's), and <see cref="KimiSwarmTree"/> rolls usage and cost up. Traces follow the same
/// tree: each sub-agent's <c>invoke_agent</c> span sits under the orchestrator's <c>execute_tool</c> span.
/// </para>
/// <para>
/// With <see cref="KimiSwarmOptions.CheckpointStore"/> every run is checkpointed. A sub-agent's run id is derived from the
/// swarm's run id and its sub-task, so delegating the same sub-task again — after <see cref="ResumeAsync"/>, or when the model
/// re-delegates what a cancellation stopped — continues it, and a finished one returns its result without a call.
/// </para>
/// </remarks>
public class KimiSwarm
{
    private readonly ConcurrentDictionary<string, KimiAgent> _subAgents = new(StringComparer.Ordinal);
    private readonly AIFunction[] _tools;

    /// <summary>For mocking only.</summary>
    protected KimiSwarm()
    {
        Client = null!;
        Options = null!;
        _tools = [];
        ToolNames = [];
    }

    /// <summary>Creates a swarm.</summary>
    /// <param name="client">The client every run calls the model with (its rate limits are shared by all of them).</param>
    /// <param name="tools">The tools sub-agents may be given (each sub-task names a subset, or gets them all).</param>
    /// <param name="options">Budgets and behaviour; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">Two tools share a name, a tool is named like the delegation tool, or a setting is out of range.</exception>
    public KimiSwarm(KimiClient client, IEnumerable<AIFunction> tools, KimiSwarmOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tools);
        Client = client;
        Options = options ?? new KimiSwarmOptions();
        ArgumentNullException.ThrowIfNull(Options.Orchestrator, "options.Orchestrator");
        ArgumentNullException.ThrowIfNull(Options.SubAgents, "options.SubAgents");
        ArgumentException.ThrowIfNullOrWhiteSpace(Options.DelegateToolName, "options.DelegateToolName");
        if (Options.MaxConcurrentSubAgents < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxConcurrentSubAgents, "KimiSwarmOptions.MaxConcurrentSubAgents must be at least 1.");
        }

        if (Options.SubAgentTimeout is { Ticks: <= 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.SubAgentTimeout, "KimiSwarmOptions.SubAgentTimeout must be positive when set.");
        }

        _tools = [.. tools];
        if (_tools.Any(t => t is null))
        {
            throw new ArgumentException("A tool is null.", nameof(tools));
        }

        if (_tools.Any(t => t.Name == Options.DelegateToolName))
        {
            throw new ArgumentException($"A tool is named '{Options.DelegateToolName}', the orchestrator's delegation tool; rename it or set KimiSwarmOptions.DelegateToolName.", nameof(tools));
        }

        ToolNames = [.. _tools.Select(t => t.Name)];
        _ = new AgentToolInvoker(_tools); // duplicate names fail here, before any run
        _ = NewBudget(); // so do budget settings
        _ = new KimiAgent(client, [], AgentOptions(Options.SubAgents, idempotentDelegate: false));
    }

    /// <summary>The client every run uses.</summary>
    internal KimiClient Client { get; }

    internal KimiSwarmOptions Options { get; }

    /// <summary>The names of the tools sub-tasks may use.</summary>
    internal IReadOnlyList<string> ToolNames { get; }

    /// <summary>Runs the swarm to the end and returns how it ended.</summary>
    /// <param name="messages">The conversation to start from (the orchestrator's system prompt and the user's task).</param>
    /// <param name="cancellationToken">Stops every run cleanly; the result then has <see cref="KimiAgentStopReason.Cancelled"/>.</param>
    /// <returns>The result: the orchestrator's answer, each sub-agent's result, and the sums.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known.</exception>
    /// <exception cref="KimiAgentCheckpointException">The checkpoint store failed for the orchestrator.</exception>
    public virtual Task<KimiSwarmRunResult> RunAsync(IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default) =>
        LastResultAsync(RunStreamingAsync(messages, cancellationToken));

    /// <summary>Runs the swarm under a run id of your choice (to resume it with <see cref="ResumeAsync"/>) and returns how it ended.</summary>
    /// <param name="runId">The swarm's run id (the orchestrator's; sub-agents' ids start with it).</param>
    /// <param name="messages">The conversation to start from.</param>
    /// <param name="cancellationToken">Stops every run cleanly.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">The store already holds this run, or a cost budget has no price.</exception>
    /// <exception cref="KimiAgentCheckpointException">The checkpoint store failed for the orchestrator.</exception>
    public virtual Task<KimiSwarmRunResult> RunAsync(string runId, IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default) =>
        LastResultAsync(RunStreamingAsync(runId, messages, cancellationToken));

    /// <summary>Runs the swarm and reports every run's events as they happen; the last is a <see cref="KimiSwarmRunCompleted"/>.</summary>
    /// <param name="messages">The conversation to start from.</param>
    /// <param name="cancellationToken">Stops every run cleanly (the last event still arrives).</param>
    /// <returns>The events of the orchestrator and every sub-agent, interleaved.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> RunStreamingAsync(IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default) =>
        RunStreamingAsync(Guid.NewGuid().ToString("N"), messages, cancellationToken);

    /// <summary>Runs the swarm under a run id of your choice and reports every run's events as they happen.</summary>
    /// <param name="runId">The swarm's run id.</param>
    /// <param name="messages">The conversation to start from.</param>
    /// <param name="cancellationToken">Stops every run cleanly.</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> RunStreamingAsync(string runId, IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(messages);
        var opening = messages.ToList();
        if (opening.Count == 0 || opening.Contains(null!))
        {
            throw new ArgumentException("The conversation is empty or has a null message: start the swarm with at least a user message.", nameof(messages));
        }

        return RunCoreAsync(runId, opening, cancellationToken);
    }

    /// <summary>
    /// Continues a checkpointed swarm: the orchestrator resumes (an interrupted delegation runs again), each unfinished
    /// sub-agent continues from its checkpoint when delegated again, finished ones return their results without a call, and
    /// the shared budget goes on from the recorded sums.
    /// </summary>
    /// <param name="runId">The swarm's run id.</param>
    /// <param name="cancellationToken">Stops every run cleanly.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="KimiSwarmOptions.CheckpointStore"/> is set, or it holds no such swarm.</exception>
    /// <exception cref="KimiAgentCheckpointException">A checkpoint is corrupt.</exception>
    public virtual Task<KimiSwarmRunResult> ResumeAsync(string runId, CancellationToken cancellationToken = default) =>
        LastResultAsync(ResumeStreamingAsync(runId, cancellationToken));

    /// <summary>Continues a checkpointed swarm (see <see cref="ResumeAsync"/>) and reports every run's events.</summary>
    /// <param name="runId">The swarm's run id.</param>
    /// <param name="cancellationToken">Stops every run cleanly.</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="KimiSwarmOptions.CheckpointStore"/> is set.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> ResumeStreamingAsync(string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (Options.CheckpointStore is null)
        {
            throw new InvalidOperationException("ResumeAsync needs KimiSwarmOptions.CheckpointStore: the store the swarm was checkpointed to.");
        }

        return RunCoreAsync(runId, null, cancellationToken);
    }

    /// <summary>The orchestrator of one run: the delegation tool bound to that run.</summary>
    internal KimiAgent CreateOrchestrator(SwarmRun run) =>
        new(Client, [new DelegateTasksFunction(run, Options.DelegateToolName)], AgentOptions(Options.Orchestrator, idempotentDelegate: true));

    /// <summary>The agent for sub-tasks with these tools (one per distinct tool set; an agent runs many conversations).</summary>
    internal KimiAgent SubAgentFor(IReadOnlyList<string> toolNames) =>
        _subAgents.GetOrAdd(
            string.Join('\u001f', toolNames),
            static (_, state) => new KimiAgent(state.Swarm.Client, state.Swarm._tools.Where(t => state.Names.Contains(t.Name)), state.Swarm.AgentOptions(state.Swarm.Options.SubAgents, idempotentDelegate: false)),
            (Swarm: this, Names: toolNames));

    private static async Task<KimiSwarmRunResult> LastResultAsync(IAsyncEnumerable<KimiAgentEvent> events)
    {
        KimiSwarmRunResult? result = null;
        await foreach (var item in events.ConfigureAwait(false))
        {
            if (item is KimiSwarmRunCompleted completed)
            {
                result = completed.Result;
            }
        }

        return result!;
    }

    private async IAsyncEnumerable<KimiAgentEvent> RunCoreAsync(string runId, List<KimiMessage>? opening, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var budget = Options.BudgetFactory?.Invoke(runId) ?? NewBudget();
        if (opening is null && Options.BudgetFactory is null)
        {
            await SwarmCheckpoints.RestoreAsync(Options.CheckpointStore!, runId, this, budget, cancellationToken).ConfigureAwait(false);
        }

        // Bounded: a slow reader slows the swarm down rather than letting events pile up.
        var channel = Channel.CreateBounded<KimiAgentEvent>(new BoundedChannelOptions(256) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        using var consumerGone = new CancellationTokenSource();
        using var run = new SwarmRun(this, runId, budget, channel.Writer, consumerGone.Token);
        var producer = Task.Run(() => run.ExecuteAsync(opening, cancellationToken), CancellationToken.None);
        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            await consumerGone.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private KimiSwarmBudget NewBudget()
    {
        var pricing = Options.Pricing ?? AgentProviderLimits.Pricing(Client);
        if (Options.MaxCostUsd is not null && pricing is null)
        {
            throw new InvalidOperationException(
                $"A swarm cost budget needs prices, and {Client.Provider} publishes none for Kimi K2.6. Set KimiSwarmOptions.Pricing, or use MaxTotalTokens instead.");
        }

        return new KimiSwarmBudget(Options.MaxSteps, Options.MaxTotalTokens, Options.MaxCostUsd, Options.MaxWallTime, pricing, Options.TimeProvider);
    }

    /// <summary>A copy of the template with the swarm's store and prices; the orchestrator's also re-runs an interrupted delegation on resume.</summary>
    private KimiAgentOptions AgentOptions(KimiAgentOptions template, bool idempotentDelegate)
    {
        var copy = new KimiAgentOptions
        {
            MaxSteps = template.MaxSteps,
            MaxTotalTokens = template.MaxTotalTokens,
            MaxCostUsd = template.MaxCostUsd,
            MaxWallTime = template.MaxWallTime,
            Pricing = template.Pricing ?? Options.Pricing,
            MaxParallelToolCalls = template.MaxParallelToolCalls,
            StopOnToolError = template.StopOnToolError,
            CallOptions = template.CallOptions,
            UseStreaming = template.UseStreaming,
            HistoryReducer = template.HistoryReducer,
            Compaction = template.Compaction,
            ContextWindow = template.ContextWindow,
            CheckpointStore = Options.CheckpointStore ?? template.CheckpointStore,
            InterruptedToolCallHandler = template.InterruptedToolCallHandler,
            TimeProvider = template.TimeProvider,
        };
        copy.IdempotentTools.UnionWith(template.IdempotentTools);
        if (idempotentDelegate)
        {
            // Safe to run again: each sub-task continues its own checkpointed run (a finished one returns its result).
            copy.IdempotentTools.Add(Options.DelegateToolName);
        }

        return copy;
    }
}
