using Kimi.Client.Agents;

namespace Kimi.Client.Orleans;

/// <summary>A <see cref="KimiAgentBudgetGrant"/> on the wire, with the wall time left.</summary>
[GenerateSerializer, Immutable]
internal sealed class GrantData
{
    [Id(0)] public int? StopReason { get; init; }
    [Id(1)] public int? MaxOutputTokens { get; init; }
    [Id(2)] public TimeSpan? RemainingWallTime { get; init; }

    public static GrantData From(KimiAgentBudgetGrant grant, TimeSpan? remainingWallTime) =>
        new() { StopReason = (int?)grant.StopReason, MaxOutputTokens = grant.MaxOutputTokens, RemainingWallTime = remainingWallTime };

    public KimiAgentBudgetGrant ToGrant() =>
        StopReason is { } reason ? KimiAgentBudgetGrant.Refused((KimiAgentStopReason)reason) : KimiAgentBudgetGrant.Granted(MaxOutputTokens);
}
