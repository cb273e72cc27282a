namespace Kimi.Client.Agents;

/// <summary>A shared account refused a compaction summary call: the run ends with <see cref="Reason"/> (never leaves the run).</summary>
internal sealed class AgentBudgetStopException(KimiAgentStopReason reason) : Exception($"The shared budget refused the call: {reason}.")
{
    public KimiAgentStopReason Reason { get; } = reason;
}
