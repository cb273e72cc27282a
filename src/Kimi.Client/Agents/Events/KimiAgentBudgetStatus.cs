namespace Kimi.Client.Agents;

/// <summary>What a run has spent so far and what is left in each budget that is set.</summary>
public sealed class KimiAgentBudgetStatus
{
    internal KimiAgentBudgetStatus(TokenUsage usage, decimal? costUsd, int? remainingTokens, decimal? remainingCostUsd, int? remainingSteps)
    {
        Usage = usage;
        CostUsd = costUsd;
        RemainingTokens = remainingTokens;
        RemainingCostUsd = remainingCostUsd;
        RemainingSteps = remainingSteps;
    }

    /// <summary>Usage summed over every model call of the run (summaries included), across resumes.</summary>
    public TokenUsage Usage { get; }

    /// <summary>Cost so far in US dollars, when a price is known.</summary>
    public decimal? CostUsd { get; }

    /// <summary>Tokens left under <see cref="KimiAgentOptions.MaxTotalTokens"/>, when that budget is set.</summary>
    public int? RemainingTokens { get; }

    /// <summary>US dollars left under <see cref="KimiAgentOptions.MaxCostUsd"/>, when that budget is set.</summary>
    public decimal? RemainingCostUsd { get; }

    /// <summary>Model calls left under <see cref="KimiAgentOptions.MaxSteps"/>, when that budget is set.</summary>
    public int? RemainingSteps { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Usage}{(CostUsd is { } cost ? $"; ${cost:0.######}" : string.Empty)}";
}
