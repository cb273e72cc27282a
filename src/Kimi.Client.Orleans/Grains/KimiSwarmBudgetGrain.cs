using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// A swarm's shared budget: a <see cref="KimiSwarmBudget"/> in this activation whose ledger is written to grain storage before
/// every answer, so a silo lost mid-run loses nothing the swarm was told. Not reentrant: calls are applied one at a time.
/// </summary>
internal sealed class KimiSwarmBudgetGrain(
    [PersistentState("budget", KimiSwarmSiloBuilderExtensions.StorageName)] IPersistentState<BudgetGrainState> state,
    SwarmSiloServices services) : Grain, IKimiSwarmBudgetGrain
{
    private KimiSwarmBudget _budget = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _budget = state.State.Ledger is { } ledger
            ? KimiSwarmBudget.Load(ledger, services.Pricing, services.Options.Swarm.TimeProvider)
            : services.NewBudget();
        return Task.CompletedTask;
    }

    public async Task<string?> ReserveAsync(Guid operation, string parentAccountId, string[] accountIds, int?[] maxSteps)
    {
        var key = "r:" + parentAccountId;
        if (Done(key, operation) is { } done)
        {
            return done.Refusal;
        }

        // An orchestrator that lost its silo could not close the accounts of the sub-agents it had delegated to; delegating them
        // again (after its resume) replaces their reservations instead of reserving a second share on top.
        foreach (var orphan in accountIds.Where(state.State.Open.Contains))
        {
            await _budget.CloseAsync(orphan).ConfigureAwait(true);
        }

        var refusal = await _budget.ReserveAsync(parentAccountId, accountIds, maxSteps).ConfigureAwait(true);
        if (refusal is null)
        {
            state.State.Open.UnionWith(accountIds);
        }
        await SaveAsync(key, new BudgetOperation { Id = operation, Refusal = refusal }).ConfigureAwait(true);
        return refusal;
    }

    public async Task<GrantData> BeginCallAsync(Guid operation, string accountId, long estimatedInputTokens, int maxOutputTokens)
    {
        var key = "b:" + accountId;
        if (Done(key, operation) is { } done)
        {
            return done.Grant!;
        }

        // A closed swarm starts nothing more: its runs stop at their next step, whenever their call arrives.
        var grant = state.State.Closed
            ? GrantData.From(KimiAgentBudgetGrant.Refused(KimiAgentStopReason.Cancelled), _budget.RemainingWallTime)
            : GrantData.From(await _budget.BeginCallAsync(accountId, estimatedInputTokens, maxOutputTokens).ConfigureAwait(true), _budget.RemainingWallTime);
        await SaveAsync(key, new BudgetOperation { Id = operation, Grant = grant }).ConfigureAwait(true);
        return grant;
    }

    public async Task<bool> EndCallAsync(Guid operation, string accountId, UsageData? usage)
    {
        var key = "e:" + accountId;
        if (Done(key, operation) is null)
        {
            // Taken also when closed: the host answered (and billed) a call that began before the swarm stopped.
            await _budget.EndCallAsync(accountId, usage?.ToUsage()).ConfigureAwait(true);
            await SaveAsync(key, new BudgetOperation { Id = operation }).ConfigureAwait(true);
        }

        return state.State.Closed;
    }

    public async Task RestoreAsync(Guid operation, int steps, UsageData usage)
    {
        const string Key = "x:";
        if (Done(Key, operation) is not null)
        {
            return;
        }

        await _budget.RestoreAsync(steps, usage.ToUsage()).ConfigureAwait(true);
        await SaveAsync(Key, new BudgetOperation { Id = operation }).ConfigureAwait(true);
    }

    public async Task CloseAsync(string accountId)
    {
        await _budget.CloseAsync(accountId).ConfigureAwait(true); // closing twice changes nothing
        state.State.Operations.Remove("b:" + accountId);
        state.State.Operations.Remove("e:" + accountId);
        state.State.Operations.Remove("r:" + accountId);
        state.State.Open.Remove(accountId);
        await SaveAsync(null, null).ConfigureAwait(true);
    }

    public async Task<BudgetStatusData> GetStatusAsync() =>
        BudgetStatusData.From(await _budget.GetStatusAsync().ConfigureAwait(true), _budget.RemainingWallTime, state.State.Closed);

    public async Task SetClosedAsync(bool closed)
    {
        if (state.State.Closed == closed)
        {
            return;
        }

        state.State.Closed = closed;
        await SaveAsync(null, null).ConfigureAwait(true);
    }

    private BudgetOperation? Done(string key, Guid operation) =>
        state.State.Operations.TryGetValue(key, out var done) && done.Id == operation ? done : null;

    private async Task SaveAsync(string? key, BudgetOperation? operation)
    {
        if (key is not null)
        {
            state.State.Operations[key] = operation!;
        }

        state.State.Ledger = _budget.Save();
        try
        {
            await state.WriteStateAsync().ConfigureAwait(true);
        }
        catch
        {
            // The ledger in memory is ahead of storage: start again from storage (the caller may retry the operation).
            DeactivateOnIdle();
            throw;
        }
    }
}
