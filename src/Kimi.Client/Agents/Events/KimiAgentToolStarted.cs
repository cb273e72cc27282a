namespace Kimi.Client.Agents;

/// <summary>A tool is about to run.</summary>
public sealed class KimiAgentToolStarted : KimiAgentEvent
{
    internal KimiAgentToolStarted(string runId, int step, ToolCall toolCall)
        : base(runId, step) => ToolCall = toolCall;

    /// <summary>The call.</summary>
    public ToolCall ToolCall { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{base.ToString()} {ToolCall.Name}";
}
