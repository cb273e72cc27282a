namespace Kimi.Client.Agents;

/// <summary>A tool returned, or failed (see <see cref="Error"/>); its result goes back to the model.</summary>
public sealed class KimiAgentToolCompleted : KimiAgentEvent
{
    internal KimiAgentToolCompleted(string runId, int step, ToolCall toolCall, string result, Exception? error)
        : base(runId, step)
    {
        ToolCall = toolCall;
        Result = result;
        Error = error;
    }

    /// <summary>The call.</summary>
    public ToolCall ToolCall { get; }

    /// <summary>The result sent back to the model (an error text when the tool failed).</summary>
    public string Result { get; }

    /// <summary>The tool's exception, if it threw.</summary>
    public Exception? Error { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{base.ToString()} {ToolCall.Name}";
}
