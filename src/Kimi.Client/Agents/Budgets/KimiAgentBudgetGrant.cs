namespace Kimi.Client.Agents;

/// <summary>An <see cref="IKimiAgentBudgetAccount"/>'s answer to a request for one model call.</summary>
public readonly record struct KimiAgentBudgetGrant
{
    private KimiAgentBudgetGrant(KimiAgentStopReason? stopReason, int? maxOutputTokens)
    {
        StopReason = stopReason;
        MaxOutputTokens = maxOutputTokens;
    }

    /// <summary>The budget that is used up (the run then ends with this reason), or <see langword="null"/> when the call may go ahead.</summary>
    public KimiAgentStopReason? StopReason { get; }

    /// <summary>The output cap the shared budget still affords, or <see langword="null"/> for no further limit.</summary>
    public int? MaxOutputTokens { get; }

    /// <summary>Whether the call may go ahead.</summary>
    public bool IsGranted => StopReason is null;

    /// <summary>The call may go ahead.</summary>
    /// <param name="maxOutputTokens">A lower output cap, or <see langword="null"/>.</param>
    /// <returns>The grant.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxOutputTokens"/> is less than 1.</exception>
    public static KimiAgentBudgetGrant Granted(int? maxOutputTokens = null)
    {
        if (maxOutputTokens is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxOutputTokens), maxOutputTokens, "A granted call may write at least one token; refuse it with Refused instead.");
        }

        return new(null, maxOutputTokens);
    }

    /// <summary>The call may not go ahead: the run ends with <paramref name="reason"/>.</summary>
    /// <param name="reason">The budget that is used up: <see cref="KimiAgentStopReason.MaxSteps"/>, <see cref="KimiAgentStopReason.TokenBudget"/>, <see cref="KimiAgentStopReason.CostBudget"/>, <see cref="KimiAgentStopReason.WallTime"/> or <see cref="KimiAgentStopReason.Cancelled"/>.</param>
    /// <returns>The refusal.</returns>
    public static KimiAgentBudgetGrant Refused(KimiAgentStopReason reason) => new(reason, null);
}
