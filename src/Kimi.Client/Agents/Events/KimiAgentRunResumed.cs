namespace Kimi.Client.Agents;

/// <summary>A run was rebuilt from its checkpoints and goes on (first event of <see cref="KimiAgent.ResumeStreamingAsync(string, CancellationToken)"/>).</summary>
public sealed class KimiAgentRunResumed : KimiAgentEvent
{
    internal KimiAgentRunResumed(string runId, int step, int messages, KimiAgentBudgetStatus budget, IReadOnlyList<ToolCall> interruptedToolCalls)
        : base(runId, step)
    {
        Messages = messages;
        Budget = budget;
        InterruptedToolCalls = interruptedToolCalls;
    }

    /// <summary>Messages in the rebuilt history.</summary>
    public int Messages { get; }

    /// <summary>Spent and left, as recorded.</summary>
    public KimiAgentBudgetStatus Budget { get; }

    /// <summary>Tool calls that had started but not finished when the run stopped: re-run if idempotent, else decided by <see cref="KimiAgentOptions.InterruptedToolCallHandler"/>.</summary>
    public IReadOnlyList<ToolCall> InterruptedToolCalls { get; }
}
