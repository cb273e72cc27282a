namespace Kimi.Client.Agents;

/// <summary>What a swarm has spent, over every run, and what is left of each limit that is set.</summary>
/// <param name="Steps">Model calls made.</param>
/// <param name="Usage">Usage summed over every call.</param>
/// <param name="CostUsd">Cost in US dollars, when prices are known.</param>
/// <param name="RemainingSteps">Steps left, when limited.</param>
/// <param name="RemainingTokens">Tokens left, when limited.</param>
/// <param name="RemainingCostUsd">US dollars left, when limited.</param>
public sealed record KimiSwarmBudgetStatus(int Steps, TokenUsage Usage, decimal? CostUsd, int? RemainingSteps, long? RemainingTokens, decimal? RemainingCostUsd);
