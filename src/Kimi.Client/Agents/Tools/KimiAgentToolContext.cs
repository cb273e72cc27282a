namespace Kimi.Client.Agents;

/// <summary>
/// The agent run and tool call a tool is running for, readable from inside the tool (an <c>AIFunction</c>) while a
/// <see cref="KimiAgent"/> runs it: for example to use <see cref="ToolCall"/>'s id as an idempotency key.
/// </summary>
public sealed class KimiAgentToolContext
{
    private static readonly AsyncLocal<KimiAgentToolContext?> CurrentContext = new();

    internal KimiAgentToolContext(string runId, string? parentRunId, int step, ToolCall toolCall)
    {
        RunId = runId;
        ParentRunId = parentRunId;
        Step = step;
        ToolCall = toolCall;
    }

    /// <summary>The call being run on this asynchronous flow, or <see langword="null"/> outside an agent's tool call.</summary>
    public static KimiAgentToolContext? Current
    {
        get => CurrentContext.Value;
        internal set => CurrentContext.Value = value;
    }

    /// <summary>The run that asked for the call.</summary>
    public string RunId { get; }

    /// <summary>The run's parent, when it has one (<see cref="KimiAgentRunContext.ParentRunId"/>).</summary>
    public string? ParentRunId { get; }

    /// <summary>The model call (1-based) whose answer asked for the tool.</summary>
    public int Step { get; }

    /// <summary>The call: name, id and arguments.</summary>
    public ToolCall ToolCall { get; }
}
