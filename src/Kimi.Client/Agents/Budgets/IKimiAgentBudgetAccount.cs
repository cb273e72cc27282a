namespace Kimi.Client.Agents;

/// <summary>
/// One run's account in a budget that several runs share (a swarm's steps, tokens, cost and wall time): the run asks it
/// before every model call and tells it what the call used. A run's own <see cref="KimiAgentOptions"/> budgets still apply;
/// the account can only narrow them.
/// </summary>
/// <remarks>Pass one per run through <see cref="KimiAgentRunContext.Budget"/>. Implementations must be safe to call from the run's thread while other runs use their own accounts of the same budget.</remarks>
public interface IKimiAgentBudgetAccount
{
    /// <summary>Wall time left for the runs that share the budget, or <see langword="null"/> when it has no time limit.</summary>
    TimeSpan? RemainingWallTime { get; }

    /// <summary>Asks for one model call (a step) that sends about <paramref name="estimatedInputTokens"/> and may write up to <paramref name="maxOutputTokens"/>.</summary>
    /// <param name="estimatedInputTokens">The agent's estimate of the prompt.</param>
    /// <param name="maxOutputTokens">The most output the call would ask for without this account.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>The grant: go ahead (with a lower output cap if the shared budget needs one), or the budget that is used up.</returns>
    ValueTask<KimiAgentBudgetGrant> BeginCallAsync(long estimatedInputTokens, int maxOutputTokens, CancellationToken cancellationToken);

    /// <summary>Settles the call last granted with what it really used.</summary>
    /// <param name="usage">The call's usage, or <see langword="null"/> when it failed without one (nothing is charged but the step).</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when the usage is recorded.</returns>
    ValueTask EndCallAsync(TokenUsage? usage, CancellationToken cancellationToken);
}
