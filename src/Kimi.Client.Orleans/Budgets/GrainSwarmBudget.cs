using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>
/// The swarm budget as a silo sees it: every method asks the swarm's budget grain, retried across a silo's loss; the
/// swarm's <see cref="KimiSwarmOptions.BudgetFactory"/> and each sub-agent grain's account use it.
/// </summary>
internal sealed class GrainSwarmBudget : KimiSwarmBudget
{
    private readonly IKimiSwarmBudgetGrain _grain;
    private readonly TimeSpan _siloLossTimeout;
    private readonly TimeProvider _time;
    private TimeSpan? _remainingWall;
    private long _remainingWallAt;

    public GrainSwarmBudget(IKimiSwarmBudgetGrain grain, TimeSpan siloLossTimeout, TimeProvider time)
    {
        _grain = grain;
        _siloLossTimeout = siloLossTimeout;
        _time = time;
    }

    /// <summary>The grain's wall time left when last heard from, less the time since.</summary>
    public override TimeSpan? RemainingWallTime => _remainingWall is { } left ? left - _time.GetElapsedTime(Volatile.Read(ref _remainingWallAt)) : null;

    /// <summary>Reads the wall time left (before a run starts its clock); says whether the swarm was closed (cancelled or ended).</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken) => (await ReadAsync(cancellationToken).ConfigureAwait(false)).Closed;

    /// <summary>Closes the ledger (the swarm was cancelled or ended: no model call begins any more), or opens it again (it runs again).</summary>
    public async Task SetClosedAsync(bool closed, CancellationToken cancellationToken) =>
        await GrainRetry.RunAsync(() => _grain.SetClosedAsync(closed), _siloLossTimeout, cancellationToken).ConfigureAwait(false);

    public override async ValueTask<KimiSwarmBudgetStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        (await ReadAsync(cancellationToken).ConfigureAwait(false)).ToStatus();

    private async Task<BudgetStatusData> ReadAsync(CancellationToken cancellationToken)
    {
        var status = await GrainRetry.RunAsync(() => _grain.GetStatusAsync(), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
        Remember(status.RemainingWallTime);
        return status;
    }

    public override async ValueTask<string?> ReserveAsync(string parentAccountId, IReadOnlyList<string> accountIds, IReadOnlyList<int?> maxSteps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        ArgumentNullException.ThrowIfNull(maxSteps);
        var operation = Guid.NewGuid();
        string[] ids = [.. accountIds];
        int?[] caps = [.. maxSteps];
        return await GrainRetry.RunAsync(() => _grain.ReserveAsync(operation, parentAccountId, ids, caps), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask<KimiAgentBudgetGrant> BeginCallAsync(string accountId, long estimatedInputTokens, int maxOutputTokens, CancellationToken cancellationToken = default)
    {
        var operation = Guid.NewGuid();
        var grant = await GrainRetry.RunAsync(() => _grain.BeginCallAsync(operation, accountId, estimatedInputTokens, maxOutputTokens), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
        Remember(grant.RemainingWallTime);
        return grant.ToGrant();
    }

    public override async ValueTask EndCallAsync(string accountId, TokenUsage? usage, CancellationToken cancellationToken = default) =>
        await EndCallAndCheckAsync(accountId, usage, cancellationToken).ConfigureAwait(false);

    /// <summary>Settles a call as <see cref="EndCallAsync"/> does; answers whether the swarm was closed meanwhile (its run must stop now).</summary>
    public async Task<bool> EndCallAndCheckAsync(string accountId, TokenUsage? usage, CancellationToken cancellationToken)
    {
        var operation = Guid.NewGuid();
        var data = UsageData.From(usage);
        return await GrainRetry.RunAsync(() => _grain.EndCallAsync(operation, accountId, data), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask RestoreAsync(int steps, TokenUsage usage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var operation = Guid.NewGuid();
        var data = UsageData.From(usage)!;
        await GrainRetry.RunAsync(() => _grain.RestoreAsync(operation, steps, data), _siloLossTimeout, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask CloseAsync(string accountId, CancellationToken cancellationToken = default) =>
        await GrainRetry.RunAsync(() => _grain.CloseAsync(accountId), _siloLossTimeout, cancellationToken).ConfigureAwait(false);

    private void Remember(TimeSpan? remaining)
    {
        Volatile.Write(ref _remainingWallAt, _time.GetTimestamp());
        _remainingWall = remaining;
    }
}
