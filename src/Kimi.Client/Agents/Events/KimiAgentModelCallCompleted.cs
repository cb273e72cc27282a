namespace Kimi.Client.Agents;

/// <summary>A model call finished.</summary>
public sealed class KimiAgentModelCallCompleted : KimiAgentEvent
{
    internal KimiAgentModelCallCompleted(string runId, int step, ChatCompletion completion, KimiAgentBudgetStatus budget)
        : base(runId, step)
    {
        Completion = completion;
        Budget = budget;
    }

    /// <summary>The model's answer.</summary>
    public ChatCompletion Completion { get; }

    /// <summary>Spent and left after this call.</summary>
    public KimiAgentBudgetStatus Budget { get; }
}
