using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// A swarm's orchestrator: a <see cref="KimiSwarm"/> whose checkpoint is this grain's state, whose sub-agents are
/// <see cref="IKimiSubAgentGrain"/>s and whose budget is the swarm's budget grain. Started again after its silo was lost, it
/// continues the swarm from its checkpoint (the interrupted delegation runs again; finished sub-agents return their results).
/// </summary>
#pragma warning disable CA1001 // _stop is disposed when the run ends; the activation itself is not disposable.
internal sealed class KimiSwarmGrain(
    [PersistentState("checkpoint", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<KimiCheckpointGrainState> checkpoint,
    [PersistentState("outcome", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<OutcomeGrainState> outcome,
    [PersistentState("events", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<EventLogGrainState> events,
    SwarmSiloServices services,
    IGrainFactory grains) : Grain, IKimiSwarmGrain
#pragma warning restore CA1001
{
    /// <summary>Each activation numbers its log from a fresh range (2^32 apart), so numbers never repeat after a lost silo.</summary>
    private const int RangeBits = 32;
    private const int MaxPage = 512;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    private Task<SwarmOutcome>? _running;
    private CancellationTokenSource? _stop;
    private SwarmEventLog _log = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var activation = events.State.Activations;
        events.State.Activations = activation + 1;
        await events.WriteStateAsync(cancellationToken).ConfigureAwait(true);
        _log = new SwarmEventLog(this.GetPrimaryKeyString(), (activation << RangeBits) + 1, services.Options.MaxLoggedEvents, Time);
        if (outcome.State.Outcome is { } done)
        {
            // The run ended before this activation: its log went with the last one, but its end is known.
            _log.Append(Completed(done));
        }
    }

    public Task AppendEventsAsync(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        _log.Append(batch);
        return Task.CompletedTask;
    }

    public async Task<EventPage> ReadEventsAsync(long after, int max, TimeSpan wait)
    {
        max = Math.Clamp(max, 1, MaxPage);
        wait = TimeSpan.FromTicks(Math.Clamp(wait.Ticks, 0, MaxWait.Ticks)); // well inside the call's response timeout
        if (!_log.HasAfter(after) && !Ended)
        {
            await Task.WhenAny(_log.Appended, Task.Delay(wait)).ConfigureAwait(true);
        }

        var page = _log.Read(after, max);
        var last = page.Length > 0 ? page[^1].Sequence : after;
        return new EventPage { Events = page, Ended = Ended && !_log.HasAfter(last) };
    }

    public Task<long> GetWatchStartAsync() =>
        Task.FromResult(outcome.State.Outcome is not null && _log.Completion is { } end ? end - 1 : _log.Last);

    /// <summary>The run is not going and its end was logged.</summary>
    private bool Ended => _log.Completion is not null && _running is not { IsCompleted: false };

    private TimeProvider Time => services.Options.Swarm.TimeProvider;

    public async Task<SwarmOutcome?> RunAsync(MessageData[] messages, TimeSpan wait)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (outcome.State.Outcome is { } done)
        {
            return done;
        }

        if (_running is null)
        {
            _stop = new CancellationTokenSource();
            _log.Reopen();
            _running = RunOnceAsync(messages, _stop.Token);
            DelayDeactivation(TimeSpan.FromDays(7)); // the run is work in progress, not idleness: stay until it ends
        }

        var running = _running;
        await Task.WhenAny(running, Task.Delay(wait)).ConfigureAwait(true);
        return running.IsCompleted ? await EndedAsync(running).ConfigureAwait(true) : null;
    }

    public async Task<SwarmOutcome?> CancelAsync()
    {
        if (outcome.State.Outcome is { } done)
        {
            return done;
        }

        // Closed first, so every sub-agent — on any silo, or activated only now by a call still on its way — stops at its next step;
        // also when this activation has no run (its silo was lost): sub-agents of the lost run may still be going elsewhere.
        await services.Budget(grains, this.GetPrimaryKeyString()).SetClosedAsync(true, CancellationToken.None).ConfigureAwait(true);
        if (_running is not { } running)
        {
            return null;
        }

        await _stop!.CancelAsync().ConfigureAwait(true);
        await Task.WhenAny(running).ConfigureAwait(true);
        return await EndedAsync(running).ConfigureAwait(true);
    }

    /// <summary>The ended run's result; the next call starts it again (a cancelled or failed swarm continues from its checkpoint).</summary>
    private async Task<SwarmOutcome> EndedAsync(Task<SwarmOutcome> running)
    {
        if (ReferenceEquals(_running, running))
        {
            _running = null;
            _stop?.Dispose();
            _stop = null;
            DelayDeactivation(TimeSpan.Zero);
        }

        return await running.ConfigureAwait(true);
    }

    private async Task<SwarmOutcome> RunOnceAsync(MessageData[] messages, CancellationToken cancellationToken)
    {
        var runId = this.GetPrimaryKeyString();
        try
        {
            var ended = await RunSwarmAsync(runId, messages, cancellationToken).ConfigureAwait(true);
            _log.Append(Completed(ended));
            return ended;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The caller's poll gets the exception; watchers get the end, with why (the next RunAsync continues from the checkpoint).
            _log.Append(new EventData { Kind = KimiClusterSwarmEventKind.SwarmCompleted, RunId = runId, Text = $"failed: {ex.Message}", Timestamp = Time.GetUtcNow() });
            throw;
        }
        finally
        {
            await CloseLedgerAsync(runId).ConfigureAwait(true);
        }
    }

    /// <summary>However the run ended, a sub-agent still going (or whose call is still on its way) starts nothing more.</summary>
    private async Task CloseLedgerAsync(string runId)
    {
        try
        {
            await services.Budget(grains, runId).SetClosedAsync(true, CancellationToken.None).ConfigureAwait(true);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The ledger could not be reached: the run's own end stands; sub-agents still stop through their cancellation.
        }
    }

    private async Task<SwarmOutcome> RunSwarmAsync(string runId, MessageData[] messages, CancellationToken cancellationToken)
    {
        var store = new KimiGrainCheckpointStore(runId, checkpoint);
        var budget = services.Budget(grains, runId);
        await budget.SetClosedAsync(false, cancellationToken).ConfigureAwait(true); // a cancelled swarm continues: its ledger opens again
        await budget.RefreshAsync(cancellationToken).ConfigureAwait(true);
        var swarm = services.Swarm(grains, runId, store, budget);
        KimiSwarmRunResult? result = null;
        var stream = store.Count > 0
            ? swarm.ResumeStreamingAsync(runId, cancellationToken)
            : swarm.RunStreamingAsync(runId, messages.Select(m => m.ToMessage()), cancellationToken);
        await foreach (var item in stream.ConfigureAwait(true))
        {
            if (item is KimiSwarmRunCompleted completed)
            {
                result = completed.Result; // logged once the outcome is kept
            }
            else if (SwarmEventMapper.Map(item, Time) is { } data)
            {
                _log.Append(data);
            }
        }

        if (result is null)
        {
            throw new InvalidOperationException("The swarm's events ended without its completion.");
        }

        var ended = new SwarmOutcome
        {
            RunId = runId,
            StopReason = (int)result.StopReason,
            Text = result.Text,
            Steps = result.Steps,
            Usage = UsageData.From(result.Usage)!,
            CostUsd = result.CostUsd,
            SubAgents = [.. result.SubAgents.Select(SubAgentOutcome.From)],
            OrchestratorSteps = result.Orchestrator.Steps,
            Error = result.Orchestrator.Exception?.Message,
        };
        if (result.StopReason != KimiAgentStopReason.Cancelled)
        {
            // Kept so a caller that lost the answer gets the same one; a cancelled swarm continues when started again.
            outcome.State.Outcome = ended;
            await outcome.WriteStateAsync(CancellationToken.None).ConfigureAwait(true);
        }

        return ended;
    }

    private EventData Completed(SwarmOutcome ended) => new()
    {
        Kind = KimiClusterSwarmEventKind.SwarmCompleted,
        RunId = ended.RunId,
        Step = ended.Steps,
        Usage = ended.Usage,
        CostUsd = ended.CostUsd,
        Text = ((KimiAgentStopReason)ended.StopReason).ToString(),
        Timestamp = Time.GetUtcNow(),
    };
}
