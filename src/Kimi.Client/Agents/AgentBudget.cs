namespace Kimi.Client.Agents;

/// <summary>
/// A run's spending against its budgets: model calls, tokens, cost and wall time, summed exactly across resumes, and the
/// output cap of the next call clamped to what is left. Each call costs what the host reported for it (OpenRouter's
/// <c>usage.cost</c>), else its tokens at the price table; one call whose cost cannot be known makes the run's cost unknown.
/// With a shared account (<see cref="IKimiAgentBudgetAccount"/>), the
/// account is asked too, after the run's own budgets.
/// </summary>
internal sealed class AgentBudget
{
    private readonly KimiAgentOptions _options;
    private readonly KimiPricing? _pricing;
    private readonly bool _reportsCost;
    private readonly TimeProvider _time;
    private decimal _cost;
    private bool _unpriced; // a call with neither a reported cost nor a price: the sum is unknown, never a silent zero
    private readonly IKimiAgentBudgetAccount? _account;
    private long _elapsedBefore;
    private long _startedAt;
    private bool _accountCallOpen;

    public AgentBudget(KimiAgentOptions options, KimiPricing? pricing, bool reportsCost = false, IKimiAgentBudgetAccount? account = null)
    {
        _options = options;
        _pricing = pricing;
        _reportsCost = reportsCost;
        _account = account;
        _time = options.TimeProvider;
        _startedAt = _time.GetTimestamp();
    }

    public TokenUsage Usage { get; private set; } = new(0, 0);

    /// <summary>Model calls made, summaries included (a failed call counts too).</summary>
    public int Steps { get; private set; }

    /// <summary>US dollars spent, exactly (decimal); <see langword="null"/> when some call's cost cannot be known.</summary>
    public decimal? Cost => _unpriced || (_pricing is null && !_reportsCost) ? null : _cost;

    /// <summary>Wall time spent by the run, in this process and before a resume.</summary>
    public long ElapsedMilliseconds => _elapsedBefore + (long)_time.GetElapsedTime(_startedAt).TotalMilliseconds;

    /// <summary>What is left of <see cref="KimiAgentOptions.MaxWallTime"/> and of the shared account's time, or <see langword="null"/> without either.</summary>
    public TimeSpan? RemainingWallTime
    {
        get
        {
            TimeSpan? own = _options.MaxWallTime is { } limit
                ? TimeSpan.FromTicks(Math.Max(1, (limit - TimeSpan.FromMilliseconds(ElapsedMilliseconds)).Ticks))
                : null;
            return _account?.RemainingWallTime is { } shared && (own is null || shared < own) ? TimeSpan.FromTicks(Math.Max(1, shared.Ticks)) : own;
        }
    }

    public bool StepsExhausted => _options.MaxSteps is { } max && Steps >= max;

    private int? RemainingTokens => _options.MaxTotalTokens is { } budget ? Math.Max(0, budget - Usage.TotalTokens) : null;

    private decimal? RemainingCost => _options.MaxCostUsd is { } budget && Cost is { } spent ? Math.Max(0m, budget - spent) : null;

    private int? RemainingSteps => _options.MaxSteps is { } budget ? Math.Max(0, budget - Steps) : null;

    /// <summary>Takes over the sums a checkpoint recorded.</summary>
    public void Restore(TokenUsage usage, int steps, long elapsedMilliseconds, decimal? cost = null)
    {
        Usage = usage;
        _cost = cost ?? _pricing?.Cost(usage) ?? 0m; // a checkpoint written before costs were recorded: priced from its usage
        _unpriced = cost is null && _pricing is null && usage.TotalTokens > 0;
        Steps = steps;
        _elapsedBefore = elapsedMilliseconds;
        _startedAt = _time.GetTimestamp();
    }

    public void BeginCall() => Steps++;

    /// <summary>
    /// Before a model call: the run's own budgets (<see cref="ClampOutput"/>), then the shared account's; when both allow
    /// it the step is counted. Returns the budget that is used up, or the output cap to send.
    /// </summary>
    public async ValueTask<(KimiAgentStopReason? Stop, int? MaxOutput)> BeginCallAsync(long estimatedInput, int? cap, int window, CancellationToken cancellationToken)
    {
        if (ClampOutput(estimatedInput, cap, window, out var maxOutput) is { } stop)
        {
            return (stop, null);
        }

        if (_account is not null)
        {
            await EndOpenCallAsync().ConfigureAwait(false);
            var ceiling = maxOutput ?? cap ?? (int)Math.Clamp(window - estimatedInput, 1, int.MaxValue);
            var grant = await _account.BeginCallAsync(estimatedInput, ceiling, cancellationToken).ConfigureAwait(false);
            if (grant.StopReason is { } refused)
            {
                return (refused, null);
            }

            _accountCallOpen = true;
            if (grant.MaxOutputTokens is { } afforded && afforded < ceiling)
            {
                maxOutput = afforded;
            }
        }

        Steps++;
        return (null, maxOutput);
    }

    /// <summary>
    /// Before a compaction summary call: counted like any call and asked of the shared account only (the run's own budgets
    /// never refuse a summary). Returns the budget that is used up, or the output cap to send.
    /// </summary>
    public async ValueTask<(KimiAgentStopReason? Stop, int MaxOutput)> BeginSummaryCallAsync(long estimatedInput, int cap, CancellationToken cancellationToken)
    {
        if (_account is not null)
        {
            await EndOpenCallAsync().ConfigureAwait(false);
            var grant = await _account.BeginCallAsync(estimatedInput, cap, cancellationToken).ConfigureAwait(false);
            if (grant.StopReason is { } refused)
            {
                return (refused, cap);
            }

            _accountCallOpen = true;
            cap = Math.Min(cap, grant.MaxOutputTokens ?? cap);
        }

        Steps++;
        return (null, cap);
    }

    /// <summary>Records a call's usage, and settles it with the shared account.</summary>
    public async ValueTask RecordAsync(TokenUsage? usage)
    {
        Record(usage);
        if (_accountCallOpen)
        {
            _accountCallOpen = false;
            await _account!.EndCallAsync(usage, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Settles a granted call that ended without usage (it failed or was cancelled), so the account holds nothing for it.</summary>
    public ValueTask EndOpenCallAsync() => _accountCallOpen ? RecordAsync(null) : ValueTask.CompletedTask;

    public void Record(TokenUsage? usage)
    {
        if (usage is not null)
        {
            Usage += usage;
            if ((usage.Cost ?? _pricing?.Cost(usage)) is { } cost)
            {
                _cost += cost; // the host's own figure wins for this call (exact, as reported)
            }
            else
            {
                _unpriced = true;
            }
        }
    }

    public KimiAgentBudgetStatus Status() => new(Usage, Cost, RemainingTokens, RemainingCost, RemainingSteps);

    /// <summary>
    /// The next call's output cap, clamped to what the token and cost budgets still allow for a prompt of about
    /// <paramref name="estimatedInput"/> tokens; or the budget that leaves no room for a call.
    /// </summary>
    /// <param name="estimatedInput">The next prompt's tokens.</param>
    /// <param name="cap">The cap that would be sent anyway, if known.</param>
    /// <param name="window">The context window: without a known cap, room wider than what is left of it is no limit.</param>
    /// <param name="maxOutput">The clamped cap, or <see langword="null"/> to leave the call's own.</param>
    public KimiAgentStopReason? ClampOutput(long estimatedInput, int? cap, int window, out int? maxOutput)
    {
        maxOutput = null;
        long? room = null;
        if (_options.MaxTotalTokens is { } tokenBudget)
        {
            room = tokenBudget - Usage.TotalTokens - estimatedInput;
            if (room < 1)
            {
                return KimiAgentStopReason.TokenBudget;
            }
        }

        if (_options.MaxCostUsd is { } spendLimit && Cost is { } spent && spent >= spendLimit)
        {
            return KimiAgentStopReason.CostBudget; // what the host reported already reaches the budget
        }

        if (_options.MaxCostUsd is { } costBudget && _pricing is { OutputPerMillion: > 0 })
        {
            var remaining = costBudget - (Cost ?? 0m) - (estimatedInput * _pricing.InputPerMillion / 1_000_000m);
            var affordable = remaining <= 0 ? 0 : (long)Math.Min(long.MaxValue, Math.Floor(remaining * 1_000_000m / _pricing.OutputPerMillion));
            if (affordable < 1)
            {
                return KimiAgentStopReason.CostBudget;
            }

            room = Math.Min(room ?? long.MaxValue, affordable);
        }

        // Clamp only below what would be sent anyway. Without a known cap (self-hosted), a room wider than the context
        // left is no limit, and sending it would make the server reject prompt + output as too long.
        var ceiling = cap ?? (window - estimatedInput);
        if (room is { } r && r < ceiling)
        {
            maxOutput = (int)r;
        }

        return null;
    }
}
