namespace Kimi.Client.Agents;

/// <summary>The run ended; always the last event.</summary>
public sealed class KimiAgentRunCompleted : KimiAgentEvent
{
    internal KimiAgentRunCompleted(string runId, int step, KimiAgentRunResult result, KimiAgentBudgetStatus budget)
        : base(runId, step)
    {
        Result = result;
        Budget = budget;
    }

    /// <summary>How the run ended, with its history, usage and cost.</summary>
    public KimiAgentRunResult Result { get; }

    /// <summary>Spent and left at the end.</summary>
    public KimiAgentBudgetStatus Budget { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{base.ToString()} {Result.StopReason}";
}
