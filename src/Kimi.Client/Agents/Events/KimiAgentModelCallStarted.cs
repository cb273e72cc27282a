namespace Kimi.Client.Agents;

/// <summary>A model call is about to be sent.</summary>
public sealed class KimiAgentModelCallStarted : KimiAgentEvent
{
    internal KimiAgentModelCallStarted(string runId, int step, KimiAgentBudgetStatus budget, int messages, long estimatedPromptTokens)
        : base(runId, step)
    {
        Budget = budget;
        Messages = messages;
        EstimatedPromptTokens = estimatedPromptTokens;
    }

    /// <summary>Spent and left before this call.</summary>
    public KimiAgentBudgetStatus Budget { get; }

    /// <summary>How many messages the call sends.</summary>
    public int Messages { get; }

    /// <summary>The agent's estimate of the call's prompt tokens (exact for what earlier calls sent, estimated for the rest).</summary>
    public long EstimatedPromptTokens { get; }
}
