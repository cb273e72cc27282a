using System.Buffers;
using System.Text.Json;

namespace Kimi.Client.Agents;

/// <summary>
/// One budget shared by every run of a swarm — steps (model calls), tokens, cost and wall time — with a fair share per
/// sub-agent: delegating reserves a share for each sub-agent that only it may spend, and a run that needs more borrows from
/// what nobody reserved, so one sub-agent cannot starve the others. Runs are charged through accounts (one per run, by id).
/// </summary>
/// <remarks>
/// <para>
/// Every method is thread-safe. Token and cost room is held while a call is in flight (the prompt estimate plus the output cap,
/// which is lowered to fit) and settled with the call's usage, so concurrent calls never spend the same room twice.
/// </para>
/// <para>The methods are virtual so a distributed host can keep the ledger elsewhere (Kimi.Client.Orleans keeps it in a grain).</para>
/// </remarks>
public class KimiSwarmBudget
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Ledger> _accounts = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _startedAt;
    private readonly KimiPricing? _pricing;
    private long _elapsedBefore;
    private int _spentSteps;
    private long _spentTokens;
    private decimal _spentCost;
    private TokenUsage _usage = new(0, 0);
    private int _reservedSteps;
    private long _reservedTokens;
    private decimal _reservedCost;
    private long _heldTokens;
    private decimal _heldCost;

    /// <summary>For mocking and for hosts that keep the ledger elsewhere.</summary>
    protected KimiSwarmBudget()
    {
        _time = TimeProvider.System;
        _startedAt = _time.GetTimestamp();
    }

    /// <summary>Creates a budget; every limit is optional.</summary>
    /// <param name="maxSteps">Most model calls of all runs together.</param>
    /// <param name="maxTotalTokens">Most tokens (input + output) of all runs together.</param>
    /// <param name="maxCostUsd">Most US dollars of all runs together; needs <paramref name="pricing"/>.</param>
    /// <param name="maxWallTime">Longest the swarm may run, from now.</param>
    /// <param name="pricing">Prices for cost; <see langword="null"/> when none are known.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system's.</param>
    /// <exception cref="ArgumentOutOfRangeException">A limit is not positive.</exception>
    /// <exception cref="ArgumentException">A cost limit is set without prices.</exception>
    public KimiSwarmBudget(int? maxSteps, long? maxTotalTokens, decimal? maxCostUsd, TimeSpan? maxWallTime, KimiPricing? pricing, TimeProvider? timeProvider = null)
    {
        if (maxSteps is < 1 || maxTotalTokens is < 1 || maxCostUsd is <= 0 || maxWallTime is { Ticks: <= 0 })
        {
            throw new ArgumentOutOfRangeException(nameof(maxSteps), "Swarm budgets must be positive when set (MaxSteps, MaxTotalTokens, MaxCostUsd, MaxWallTime).");
        }

        if (maxCostUsd is not null && pricing is null)
        {
            throw new ArgumentException("A cost budget needs prices: set KimiSwarmOptions.Pricing (the provider publishes none), or use a token budget.", nameof(pricing));
        }

        MaxSteps = maxSteps;
        MaxTotalTokens = maxTotalTokens;
        MaxCostUsd = maxCostUsd;
        MaxWallTime = maxWallTime;
        _pricing = pricing;
        _time = timeProvider ?? TimeProvider.System;
        _startedAt = _time.GetTimestamp();
    }

    /// <summary>Most model calls of all runs together, or <see langword="null"/>.</summary>
    public int? MaxSteps { get; }

    /// <summary>Most tokens of all runs together, or <see langword="null"/>.</summary>
    public long? MaxTotalTokens { get; }

    /// <summary>Most US dollars of all runs together, or <see langword="null"/>.</summary>
    public decimal? MaxCostUsd { get; }

    /// <summary>Longest the swarm may run, or <see langword="null"/>.</summary>
    public TimeSpan? MaxWallTime { get; }

    /// <summary>Wall time left, or <see langword="null"/> without a limit.</summary>
    public virtual TimeSpan? RemainingWallTime => MaxWallTime is { } limit ? limit - TimeSpan.FromMilliseconds(_elapsedBefore) - _time.GetElapsedTime(_startedAt) : null;

    /// <summary>The account a run is charged through (its model calls ask it first).</summary>
    /// <param name="accountId">The run's id.</param>
    /// <returns>The account; it forwards to this budget's methods.</returns>
    public IKimiAgentBudgetAccount Account(string accountId)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        return new BudgetAccount(this, accountId);
    }

    /// <summary>What has been spent so far and what is left.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status.</returns>
    public virtual ValueTask<KimiSwarmBudgetStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(new KimiSwarmBudgetStatus(
                _spentSteps, _usage, _pricing is null ? null : _spentCost,
                MaxSteps is { } steps ? Math.Max(0, steps - _spentSteps) : null,
                MaxTotalTokens is { } tokens ? Math.Max(0, tokens - _spentTokens) : null,
                MaxCostUsd is { } cost ? Math.Max(0m, cost - _spentCost) : null));
        }
    }

    /// <summary>
    /// Reserves a fair share for each of <paramref name="accountIds"/> (new sub-agents), plus the next step for
    /// <paramref name="parentAccountId"/> (the orchestrator, to read their results); or says, in words a model can act on,
    /// why the budget cannot take them. Steps are split evenly over the sub-agents; tokens and cost over them and the parent.
    /// </summary>
    /// <param name="parentAccountId">The delegating run's account.</param>
    /// <param name="accountIds">The new runs' accounts.</param>
    /// <param name="maxSteps">Per new run, the most steps it will take, or <see langword="null"/> for no cap of its own.</param>
    /// <param name="cancellationToken">Cancels the reservation.</param>
    /// <returns><see langword="null"/> when reserved, else the reason nothing was reserved.</returns>
    public virtual ValueTask<string?> ReserveAsync(string parentAccountId, IReadOnlyList<string> accountIds, IReadOnlyList<int?> maxSteps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(accountIds);
        ArgumentNullException.ThrowIfNull(maxSteps);
        var count = accountIds.Count;
        lock (_lock)
        {
            if (RemainingWallTime is { Ticks: <= 0 })
            {
                return ValueTask.FromResult<string?>("the swarm's wall time is used up; answer with what you have.");
            }

            var parent = Get(parentAccountId);
            var parentSteps = parent.ReservedSteps > 0 ? 0 : 1;
            int[] stepShares = new int[count];
            if (MaxSteps is { } stepLimit)
            {
                var free = stepLimit - _spentSteps - _reservedSteps - parentSteps;
                if (free < count)
                {
                    return ValueTask.FromResult<string?>(
                        $"the swarm has {Math.Max(0, stepLimit - _spentSteps - _reservedSteps)} unreserved model calls (steps) left, one of them kept for you to read the results, " +
                        $"and each sub-task needs at least one: delegate at most {Math.Max(0, free)} sub-tasks now, or answer with what you have.");
                }

                var even = free / count;
                var asked = 0L;
                for (var i = 0; i < count; i++)
                {
                    asked += maxSteps[i] ?? 0;
                    if (maxSteps[i] is { } cap && cap > free)
                    {
                        return ValueTask.FromResult<string?>($"sub-task {i + 1} asks for max_steps {cap}, but the swarm has only {free} steps left for sub-agents; ask for fewer.");
                    }
                }

                if (asked > free)
                {
                    return ValueTask.FromResult<string?>($"the sub-tasks ask for {asked} steps in all (max_steps), but the swarm has only {free} left for sub-agents; ask for fewer or delegate fewer sub-tasks.");
                }

                for (var i = 0; i < count; i++)
                {
                    stepShares[i] = Math.Min(maxSteps[i] ?? int.MaxValue, even);
                }
            }

            long tokenShare = 0;
            if (MaxTotalTokens is { } tokenLimit)
            {
                var free = tokenLimit - _spentTokens - _reservedTokens - _heldTokens;
                tokenShare = free / (count + 1);
                if (tokenShare < 1)
                {
                    return ValueTask.FromResult<string?>($"the swarm's token budget is used up ({Math.Max(0, free)} tokens unreserved); answer with what you have.");
                }
            }

            decimal costShare = 0;
            if (MaxCostUsd is { } costLimit)
            {
                var free = costLimit - _spentCost - _reservedCost - _heldCost;
                costShare = decimal.Round(free / (count + 1), 12, MidpointRounding.ToZero);
                if (costShare <= 0)
                {
                    return ValueTask.FromResult<string?>("the swarm's cost budget is used up; answer with what you have.");
                }
            }

            parent.ReservedSteps += parentSteps;
            _reservedSteps += parentSteps;
            parent.ReservedTokens += tokenShare;
            _reservedTokens += tokenShare;
            parent.ReservedCost += costShare;
            _reservedCost += costShare;
            for (var i = 0; i < count; i++)
            {
                var account = Get(accountIds[i]);
                account.StepCap = maxSteps[i];
                account.ReservedSteps += stepShares[i];
                _reservedSteps += stepShares[i];
                account.ReservedTokens += tokenShare;
                _reservedTokens += tokenShare;
                account.ReservedCost += costShare;
                _reservedCost += costShare;
            }

            return ValueTask.FromResult<string?>(null);
        }
    }

    /// <summary>Asks for one model call of <paramref name="accountId"/> (see <see cref="IKimiAgentBudgetAccount.BeginCallAsync"/>).</summary>
    /// <param name="accountId">The run's account.</param>
    /// <param name="estimatedInputTokens">The prompt estimate.</param>
    /// <param name="maxOutputTokens">The most output the call would ask for.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The grant.</returns>
    public virtual ValueTask<KimiAgentBudgetGrant> BeginCallAsync(string accountId, long estimatedInputTokens, int maxOutputTokens, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var account = Get(accountId);
            Release(account); // a call that never settled (it failed) holds nothing any more
            if (RemainingWallTime is { Ticks: <= 0 })
            {
                return ValueTask.FromResult(KimiAgentBudgetGrant.Refused(KimiAgentStopReason.WallTime));
            }

            if (account.StepCap is { } cap && account.Steps >= cap)
            {
                return ValueTask.FromResult(KimiAgentBudgetGrant.Refused(KimiAgentStopReason.MaxSteps)); // the sub-task's own max_steps
            }

            var fromReserve = account.ReservedSteps > 0;
            if (!fromReserve && MaxSteps is { } stepLimit && stepLimit - _spentSteps - _reservedSteps < 1)
            {
                return ValueTask.FromResult(KimiAgentBudgetGrant.Refused(KimiAgentStopReason.MaxSteps));
            }

            long output = maxOutputTokens;
            long tokenHold = 0;
            if (MaxTotalTokens is { } tokenLimit)
            {
                var room = account.ReservedTokens + (tokenLimit - _spentTokens - _reservedTokens - _heldTokens) - estimatedInputTokens;
                if (room < 1)
                {
                    return ValueTask.FromResult(KimiAgentBudgetGrant.Refused(KimiAgentStopReason.TokenBudget));
                }

                output = Math.Min(output, room);
                tokenHold = estimatedInputTokens + output;
            }

            decimal costHold = 0;
            if (MaxCostUsd is { } costLimit && _pricing is { } pricing)
            {
                var room = account.ReservedCost + (costLimit - _spentCost - _reservedCost - _heldCost) - (estimatedInputTokens * pricing.InputPerMillion / 1_000_000m);
                var affordable = pricing.OutputPerMillion <= 0 ? output : (long)Math.Min(output, Math.Floor(Math.Max(0, room) * 1_000_000m / pricing.OutputPerMillion));
                if (room <= 0 || affordable < 1)
                {
                    return ValueTask.FromResult(KimiAgentBudgetGrant.Refused(KimiAgentStopReason.CostBudget));
                }

                output = affordable;
                costHold = ((estimatedInputTokens * pricing.InputPerMillion) + (output * pricing.OutputPerMillion)) / 1_000_000m;
                tokenHold = MaxTotalTokens is null ? 0 : estimatedInputTokens + output;
            }

            if (fromReserve)
            {
                account.ReservedSteps--;
                _reservedSteps--;
            }

            _spentSteps++;
            account.Steps++;
            Hold(account, tokenHold, costHold);
            return ValueTask.FromResult(KimiAgentBudgetGrant.Granted(output < maxOutputTokens ? (int)output : null));
        }
    }

    /// <summary>Settles the call last granted to <paramref name="accountId"/> with its usage.</summary>
    /// <param name="accountId">The run's account.</param>
    /// <param name="usage">The call's usage, or <see langword="null"/> when it failed without one.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when the usage is recorded.</returns>
    public virtual ValueTask EndCallAsync(string accountId, TokenUsage? usage, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var account = Get(accountId);
            Release(account);
            if (usage is not null)
            {
                Charge(account, usage);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Records spending that happened before this budget existed (a resumed swarm's checkpointed runs).</summary>
    /// <param name="steps">Model calls made.</param>
    /// <param name="usage">Their usage.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when recorded.</returns>
    public virtual ValueTask RestoreAsync(int steps, TokenUsage usage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(usage);
        lock (_lock)
        {
            _spentSteps += steps;
            _spentTokens += usage.TotalTokens;
            _spentCost += usage.Cost ?? _pricing?.Cost(usage) ?? 0m; // the host's reported cost wins (OpenRouter)
            _usage += usage;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Closes a run's account: what it reserved and did not spend goes back to the others.</summary>
    /// <param name="accountId">The run's account.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>A task that completes when closed.</returns>
    public virtual ValueTask CloseAsync(string accountId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_accounts.Remove(accountId, out var account))
            {
                Release(account);
                _reservedSteps -= account.ReservedSteps;
                _reservedTokens -= account.ReservedTokens;
                _reservedCost -= account.ReservedCost;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The whole ledger as UTF-8 JSON — limits, sums, and each account's share and holds — so a host can persist it and carry
    /// on elsewhere with <see cref="Load"/> (Kimi.Client.Orleans keeps it as grain state).
    /// </summary>
    /// <returns>The bytes.</returns>
    public byte[] Save()
    {
        var buffer = new ArrayBufferWriter<byte>();
        lock (_lock)
        {
            using var writer = new Utf8JsonWriter(buffer);
            writer.WriteStartObject();
            Number(writer, "maxSteps", MaxSteps);
            Number(writer, "maxTokens", MaxTotalTokens);
            if (MaxCostUsd is { } maxCost)
            {
                writer.WriteNumber("maxCost", maxCost);
            }

            Number(writer, "maxWallMs", MaxWallTime is { } wall ? (long)wall.TotalMilliseconds : null);
            writer.WriteNumber("elapsedMs", _elapsedBefore + (long)_time.GetElapsedTime(_startedAt).TotalMilliseconds);
            writer.WriteNumber("steps", _spentSteps);
            writer.WriteNumber("tokens", _spentTokens);
            writer.WriteNumber("cost", _spentCost);
            writer.WriteNumber("input", _usage.InputTokens);
            writer.WriteNumber("output", _usage.OutputTokens);
            writer.WriteNumber("total", _usage.TotalTokens);
            Number(writer, "cached", _usage.CachedInputTokens);
            Number(writer, "reasoning", _usage.ReasoningTokens);
            writer.WriteStartArray("accounts");
            foreach (var (id, ledger) in _accounts)
            {
                writer.WriteStartObject();
                writer.WriteString("id", id);
                writer.WriteNumber("steps", ledger.Steps);
                Number(writer, "cap", ledger.StepCap);
                writer.WriteNumber("rs", ledger.ReservedSteps);
                writer.WriteNumber("rt", ledger.ReservedTokens);
                writer.WriteNumber("rc", ledger.ReservedCost);
                writer.WriteNumber("ht", ledger.HeldTokens);
                writer.WriteNumber("hc", ledger.HeldCost);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A budget that carries on from a ledger <see cref="Save"/>d before (its wall time goes on from the saved elapsed time).</summary>
    /// <param name="saved">The bytes <see cref="Save"/> returned.</param>
    /// <param name="pricing">Prices for cost; <see langword="null"/> when none are known.</param>
    /// <param name="timeProvider">The clock; <see langword="null"/> for the system's.</param>
    /// <returns>The budget.</returns>
    /// <exception cref="FormatException">The bytes are not a saved ledger.</exception>
    public static KimiSwarmBudget Load(ReadOnlySpan<byte> saved, KimiPricing? pricing, TimeProvider? timeProvider = null)
    {
        try
        {
            var reader = new Utf8JsonReader(saved);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var budget = new KimiSwarmBudget(
                IntOrNull(root, "maxSteps"), LongOrNull(root, "maxTokens"), root.TryGetProperty("maxCost", out var maxCost) ? maxCost.GetDecimal() : null,
                LongOrNull(root, "maxWallMs") is { } wall ? TimeSpan.FromMilliseconds(wall) : null, pricing, timeProvider)
            {
                _elapsedBefore = root.GetProperty("elapsedMs").GetInt64(),
                _spentSteps = root.GetProperty("steps").GetInt32(),
                _spentTokens = root.GetProperty("tokens").GetInt64(),
                _spentCost = root.GetProperty("cost").GetDecimal(),
                _usage = new TokenUsage(root.GetProperty("input").GetInt32(), root.GetProperty("output").GetInt32(), root.GetProperty("total").GetInt32(),
                    IntOrNull(root, "cached"), IntOrNull(root, "reasoning")),
            };
            foreach (var account in root.GetProperty("accounts").EnumerateArray())
            {
                var ledger = budget.Get(account.GetProperty("id").GetString()!);
                ledger.Steps = account.GetProperty("steps").GetInt32();
                ledger.StepCap = IntOrNull(account, "cap");
                ledger.ReservedSteps = account.GetProperty("rs").GetInt32();
                ledger.ReservedTokens = account.GetProperty("rt").GetInt64();
                ledger.ReservedCost = account.GetProperty("rc").GetDecimal();
                ledger.HeldTokens = account.GetProperty("ht").GetInt64();
                ledger.HeldCost = account.GetProperty("hc").GetDecimal();
                budget._reservedSteps += ledger.ReservedSteps;
                budget._reservedTokens += ledger.ReservedTokens;
                budget._reservedCost += ledger.ReservedCost;
                budget._heldTokens += ledger.HeldTokens;
                budget._heldCost += ledger.HeldCost;
            }

            return budget;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"The bytes are not a ledger saved by KimiSwarmBudget.Save ({ex.Message}).", ex);
        }
    }

    private static void Number(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }

    private static int? IntOrNull(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetInt32() : null;

    private static long? LongOrNull(JsonElement element, string name) => element.TryGetProperty(name, out var value) ? value.GetInt64() : null;

    private Ledger Get(string accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var account))
        {
            _accounts[accountId] = account = new Ledger();
        }

        return account;
    }

    private void Hold(Ledger account, long tokens, decimal cost)
    {
        account.HeldTokens = tokens;
        account.HeldCost = cost;
        _heldTokens += tokens;
        _heldCost += cost;
    }

    private void Release(Ledger account)
    {
        _heldTokens -= account.HeldTokens;
        _heldCost -= account.HeldCost;
        account.HeldTokens = 0;
        account.HeldCost = 0;
    }

    /// <summary>Spends <paramref name="usage"/>: first from the account's own share, the rest from what nobody reserved.</summary>
    private void Charge(Ledger account, TokenUsage usage)
    {
        var fromShare = Math.Min(account.ReservedTokens, usage.TotalTokens);
        account.ReservedTokens -= fromShare;
        _reservedTokens -= fromShare;
        _spentTokens += usage.TotalTokens;
        _usage += usage;
        if ((usage.Cost ?? _pricing?.Cost(usage)) is { } cost) // the host's reported cost wins (OpenRouter's usage.cost)
        {
            var costFromShare = Math.Min(account.ReservedCost, cost);
            account.ReservedCost -= costFromShare;
            _reservedCost -= costFromShare;
            _spentCost += cost;
        }
    }

    private sealed class Ledger
    {
        public int Steps;
        public int? StepCap;
        public int ReservedSteps;
        public long ReservedTokens;
        public decimal ReservedCost;
        public long HeldTokens;
        public decimal HeldCost;
    }

    private sealed class BudgetAccount(KimiSwarmBudget budget, string accountId) : IKimiAgentBudgetAccount
    {
        public TimeSpan? RemainingWallTime => budget.RemainingWallTime;

        public ValueTask<KimiAgentBudgetGrant> BeginCallAsync(long estimatedInputTokens, int maxOutputTokens, CancellationToken cancellationToken) =>
            budget.BeginCallAsync(accountId, estimatedInputTokens, maxOutputTokens, cancellationToken);

        public ValueTask EndCallAsync(TokenUsage? usage, CancellationToken cancellationToken) => budget.EndCallAsync(accountId, usage, cancellationToken);
    }
}
