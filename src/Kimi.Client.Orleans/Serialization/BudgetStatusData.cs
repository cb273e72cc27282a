using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>A <see cref="KimiSwarmBudgetStatus"/> on the wire, with the wall time left.</summary>
[GenerateSerializer, Immutable]
internal sealed class BudgetStatusData
{
    [Id(0)] public int Steps { get; init; }
    [Id(1)] public required UsageData Usage { get; init; }
    [Id(2)] public decimal? CostUsd { get; init; }
    [Id(3)] public int? RemainingSteps { get; init; }
    [Id(4)] public long? RemainingTokens { get; init; }
    [Id(5)] public decimal? RemainingCostUsd { get; init; }
    [Id(6)] public TimeSpan? RemainingWallTime { get; init; }

    /// <summary>The swarm was cancelled or ended: its runs must not start a model call or a tool.</summary>
    [Id(7)] public bool Closed { get; init; }

    public static BudgetStatusData From(KimiSwarmBudgetStatus status, TimeSpan? remainingWallTime, bool closed) => new()
    {
        Closed = closed,
        Steps = status.Steps,
        Usage = UsageData.From(status.Usage)!,
        CostUsd = status.CostUsd,
        RemainingSteps = status.RemainingSteps,
        RemainingTokens = status.RemainingTokens,
        RemainingCostUsd = status.RemainingCostUsd,
        RemainingWallTime = remainingWallTime,
    };

    public KimiSwarmBudgetStatus ToStatus() => new(Steps, Usage.ToUsage(), CostUsd, RemainingSteps, RemainingTokens, RemainingCostUsd);
}
