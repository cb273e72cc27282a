using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Agents;

/// <summary>
/// Runs a tool-calling loop: call the model, run the tools it asks for (in parallel, up to a limit), send the results
/// back, and repeat until it answers without tools or a budget is reached. Reasoning goes back with every assistant
/// turn, as Kimi requires; the history is compacted before it outgrows the context window; and with a checkpoint store a
/// run survives its process (<see cref="ResumeAsync"/>). The run never throws for a budget: the result says why it stopped.
/// </summary>
/// <remarks>One agent can run many conversations at once; each run keeps its own history.</remarks>
public class KimiAgent
{
    /// <summary>For mocking only.</summary>
    protected KimiAgent()
    {
        Client = null!;
        Tools = null!;
        Options = null!;
    }

    /// <summary>Creates an agent.</summary>
    /// <param name="client">The client that calls the model.</param>
    /// <param name="tools">The functions the model may call (for example from <c>AIFunctionFactory.Create</c>).</param>
    /// <param name="options">Budgets and behaviour; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">Two tools share a name, or a setting is out of range.</exception>
    public KimiAgent(KimiClient client, IEnumerable<AIFunction> tools, KimiAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(tools);
        Client = client;
        Options = options ?? new KimiAgentOptions();
        if (Options.MaxParallelToolCalls < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxParallelToolCalls, "KimiAgentOptions.MaxParallelToolCalls must be at least 1.");
        }

        if (Options.MaxSteps is < 1 || Options.MaxTotalTokens is < 1 || Options.MaxCostUsd is <= 0 || Options.MaxWallTime is { Ticks: <= 0 } || Options.ContextWindow is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "KimiAgentOptions budgets must be positive when set (MaxSteps, MaxTotalTokens, MaxCostUsd, MaxWallTime, ContextWindow).");
        }

        if (Options.MaxWebSearchRounds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.MaxWebSearchRounds, "KimiAgentOptions.MaxWebSearchRounds must be at least 1.");
        }

        ArgumentNullException.ThrowIfNull(Options.Compaction, "options.Compaction");
        Options.Compaction.Validate();
        Tools = new AgentToolInvoker(tools);
    }

    internal KimiClient Client { get; }

    internal KimiAgentOptions Options { get; }

    internal AgentToolInvoker Tools { get; }

    /// <summary>Runs the loop to the end and returns how it ended.</summary>
    /// <param name="messages">The conversation to start from (system prompt and the user's request).</param>
    /// <param name="cancellationToken">Stops the run; the result then has <see cref="KimiAgentStopReason.Cancelled"/>.</param>
    /// <returns>The result: stop reason, history, summed usage and cost.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known for the provider.</exception>
    /// <exception cref="KimiAgentCheckpointException">The checkpoint store failed.</exception>
    public virtual Task<KimiAgentRunResult> RunAsync(IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default) =>
        LastResultAsync(RunStreamingAsync(messages, cancellationToken));

    /// <summary>Runs the loop under a run id of your choice (to resume it later with <see cref="ResumeAsync"/>) and returns how it ended.</summary>
    /// <param name="runId">The run's id: unique within <see cref="KimiAgentOptions.CheckpointStore"/>.</param>
    /// <param name="messages">The conversation to start from.</param>
    /// <param name="cancellationToken">Stops the run cleanly.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">The store already holds a run with this id, or a cost budget has no price.</exception>
    /// <exception cref="KimiAgentRunInUseException">Another process or agent holds the run.</exception>
    /// <exception cref="KimiAgentCheckpointException">The checkpoint store failed.</exception>
    public virtual Task<KimiAgentRunResult> RunAsync(string runId, IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default) =>
        LastResultAsync(RunStreamingAsync(runId, messages, cancellationToken));

    /// <summary>Runs the loop and reports each step as it happens; the last event is a <see cref="KimiAgentRunCompleted"/>.</summary>
    /// <param name="messages">The conversation to start from.</param>
    /// <param name="cancellationToken">Stops the run cleanly (the last event still arrives, with <see cref="KimiAgentStopReason.Cancelled"/>).</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known for the provider.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> RunStreamingAsync(IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default) =>
        RunStreamingAsync(Guid.NewGuid().ToString("N"), messages, cancellationToken);

    /// <summary>Runs the loop under a run id of your choice and reports each step as it happens.</summary>
    /// <param name="runId">The run's id: unique within <see cref="KimiAgentOptions.CheckpointStore"/>.</param>
    /// <param name="messages">The conversation to start from.</param>
    /// <param name="cancellationToken">Stops the run cleanly.</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known for the provider.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> RunStreamingAsync(string runId, IEnumerable<KimiMessage> messages, CancellationToken cancellationToken = default) =>
        RunStreamingAsync(runId, messages, context: null, cancellationToken);

    /// <summary>Runs the loop as part of a larger run (see <see cref="KimiAgentRunContext"/>: parent, name, shared budget) and reports each step.</summary>
    /// <param name="runId">The run's id: unique within <see cref="KimiAgentOptions.CheckpointStore"/>.</param>
    /// <param name="messages">The conversation to start from.</param>
    /// <param name="context">The parent run, the agent's name and the shared budget; <see langword="null"/> for a top-level run.</param>
    /// <param name="cancellationToken">Stops the run cleanly.</param>
    /// <returns>The events, each with <see cref="KimiAgentEvent.ParentRunId"/> set from <paramref name="context"/>.</returns>
    /// <exception cref="InvalidOperationException">A cost budget is set but no price is known for the provider.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> RunStreamingAsync(string runId, IEnumerable<KimiMessage> messages, KimiAgentRunContext? context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        ArgumentNullException.ThrowIfNull(messages);
        var history = messages.ToList();
        if (history.Count == 0)
        {
            throw new ArgumentException("The conversation is empty: start the run with at least a user message.", nameof(messages));
        }

        if (history.Contains(null!))
        {
            throw new ArgumentException("A message is null.", nameof(messages));
        }

        var pricing = Pricing();
        return RunCoreAsync(runId, history, pricing, context, cancellationToken);
    }

    /// <summary>
    /// Continues a run from its checkpoints (after a crash, a cancellation or a budget stop) with the same history: a tool
    /// call whose result was recorded never runs again; one that started but did not finish runs again only if its tool is
    /// in <see cref="KimiAgentOptions.IdempotentTools"/>, else <see cref="KimiAgentOptions.InterruptedToolCallHandler"/>
    /// decides. Usage, cost and steps go on from the recorded sums. A run that had completed returns its result without a call.
    /// </summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Stops the run cleanly.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="KimiAgentOptions.CheckpointStore"/> is set, or it holds no such run.</exception>
    /// <exception cref="KimiAgentRunInUseException">Another process or agent is running it.</exception>
    /// <exception cref="KimiAgentCheckpointException">Its checkpoint is corrupt or truncated (nothing is overwritten).</exception>
    public virtual Task<KimiAgentRunResult> ResumeAsync(string runId, CancellationToken cancellationToken = default) =>
        LastResultAsync(ResumeStreamingAsync(runId, cancellationToken));

    /// <summary>Continues a run from its checkpoints (see <see cref="ResumeAsync"/>) and reports each step; the first event is a <see cref="KimiAgentRunResumed"/>.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Stops the run cleanly.</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="KimiAgentOptions.CheckpointStore"/> is set, or it holds no such run.</exception>
    /// <exception cref="KimiAgentRunInUseException">Another process or agent is running it.</exception>
    /// <exception cref="KimiAgentCheckpointException">Its checkpoint is corrupt or truncated.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> ResumeStreamingAsync(string runId, CancellationToken cancellationToken = default) =>
        ResumeStreamingAsync(runId, context: null, cancellationToken);

    /// <summary>Continues a run from its checkpoints (see <see cref="ResumeAsync"/>) as part of a larger run (see <see cref="KimiAgentRunContext"/>), and reports each step.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="context">The parent run, the agent's name and the shared budget; <see langword="null"/> for a top-level run.</param>
    /// <param name="cancellationToken">Stops the run cleanly.</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">No <see cref="KimiAgentOptions.CheckpointStore"/> is set, or it holds no such run.</exception>
    /// <exception cref="KimiAgentRunInUseException">Another process or agent is running it.</exception>
    /// <exception cref="KimiAgentCheckpointException">Its checkpoint is corrupt or truncated.</exception>
    public virtual IAsyncEnumerable<KimiAgentEvent> ResumeStreamingAsync(string runId, KimiAgentRunContext? context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        if (Options.CheckpointStore is null)
        {
            throw new InvalidOperationException("ResumeAsync needs KimiAgentOptions.CheckpointStore: the store the run was checkpointed to.");
        }

        return RunCoreAsync(runId, null, Pricing(), context, cancellationToken);
    }

    private static async Task<KimiAgentRunResult> LastResultAsync(IAsyncEnumerable<KimiAgentEvent> events)
    {
        KimiAgentRunResult? result = null;
        await foreach (var item in events.ConfigureAwait(false))
        {
            if (item is KimiAgentRunCompleted completed)
            {
                result = completed.Result;
            }
        }

        return result!;
    }

    private KimiPricing? Pricing()
    {
        var pricing = Options.Pricing ?? AgentProviderLimits.Pricing(Client);
        if (Options.MaxCostUsd is not null && pricing is null && !AgentProviderLimits.ReportsCost(Client))
        {
            throw new InvalidOperationException(
                $"A cost budget needs prices, and {Client.Provider} publishes none for Kimi K2.6 nor reports what a call cost. Set KimiAgentOptions.Pricing, or use MaxTotalTokens instead.");
        }

        return pricing;
    }

    // opening: the messages of a new run, or null to resume one from the store.
    private async IAsyncEnumerable<KimiAgentEvent> RunCoreAsync(string runId, List<KimiMessage>? opening, KimiPricing? pricing, KimiAgentRunContext? context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var budget = new AgentBudget(Options, pricing, AgentProviderLimits.ReportsCost(Client), context?.Budget);
        var (history, checkpointer, replay) = await OpenAsync(runId, opening, budget, cancellationToken).ConfigureAwait(false);
        await using var session = checkpointer;

        // One slot, and each event waits to be taken (see AgentRun.EmitAsync): the run never gets ahead of its observer.
        var channel = Channel.CreateBounded<KimiAgentEvent>(new BoundedChannelOptions(1) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        using var consumerGone = new CancellationTokenSource();
        var run = new AgentRun(this, runId, history, budget, checkpointer, replay, channel.Writer, cancellationToken, consumerGone.Token, context);
        var producer = Task.Run(run.ExecuteAsync, CancellationToken.None);
        try
        {
            // Not cancelled by the caller's token: a cancelled run still delivers its RunCompleted event.
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

    /// <summary>Takes the run's lease and, for a new run, records its opening; for a resumed one, rebuilds it from the records.</summary>
    private async Task<(AgentHistory History, AgentCheckpointer? Checkpointer, CheckpointReplay? Replay)> OpenAsync(
        string runId, List<KimiMessage>? opening, AgentBudget budget, CancellationToken cancellationToken)
    {
        if (Options.CheckpointStore is not { } store)
        {
            return (new AgentHistory(opening!), null, null);
        }

        var session = await store.OpenAsync(runId, cancellationToken).ConfigureAwait(false);
        try
        {
            var records = await session.ReadAllAsync(cancellationToken).ConfigureAwait(false);
            if (opening is not null)
            {
                if (records.Count > 0)
                {
                    throw new InvalidOperationException($"The checkpoint store already holds a run '{runId}' ({session.Location}): continue it with ResumeAsync, or choose another run id.");
                }

                var checkpointer = new AgentCheckpointer(session, 0);
                await checkpointer.StageAndFlushAsync(
                    new CheckpointRecord { Kind = CheckpointRecordKind.Started, Step = 0, ElapsedMilliseconds = 0, TotalUsage = new TokenUsage(0, 0), Messages = opening },
                    cancellationToken).ConfigureAwait(false);
                return (new AgentHistory(opening), checkpointer, null);
            }

            if (records.Count == 0)
            {
                throw new InvalidOperationException($"The checkpoint store holds no run '{runId}' ({session.Location}); start it with RunAsync(runId, messages).");
            }

            var replay = CheckpointReplay.Read(records, session);
            budget.Restore(replay.Usage, replay.Steps, replay.ElapsedMilliseconds, replay.TotalCost);
            return (replay.History, new AgentCheckpointer(session, replay.LastSequence), replay);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
