namespace Kimi.Client.Agents;

/// <summary>How one sub-agent ended, as the orchestrator is told (its tool result) and the caller sees it.</summary>
public sealed class KimiSwarmSubAgentResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="task">The sub-task.</param>
    /// <param name="stopReason">How its run ended, or <see langword="null"/> when it could not run at all (see <paramref name="error"/>).</param>
    /// <param name="text">Its final answer (empty unless it completed).</param>
    /// <param name="steps">Model calls it made, across resumes.</param>
    /// <param name="usage">Its usage, across resumes.</param>
    /// <param name="costUsd">Its cost, when prices are known.</param>
    /// <param name="error">What went wrong, in words the orchestrator can act on; <see langword="null"/> when it completed.</param>
    public KimiSwarmSubAgentResult(KimiSwarmSubTask task, KimiAgentStopReason? stopReason, string text, int steps, TokenUsage usage, decimal? costUsd, string? error)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(usage);
        Task = task;
        StopReason = stopReason;
        Text = text;
        Steps = steps;
        Usage = usage;
        CostUsd = costUsd;
        Error = error;
    }

    /// <summary>
    /// The result of a sub-agent's finished run, with its stop reason put in words the orchestrator can act on (the swarm's own
    /// wording; for a <see cref="KimiSwarmSubAgentRunner"/> that runs sub-agents elsewhere).
    /// </summary>
    /// <param name="task">The sub-task.</param>
    /// <param name="result">How its run ended.</param>
    /// <returns>The result to hand back to the orchestrator.</returns>
    public static KimiSwarmSubAgentResult FromRun(KimiSwarmSubTask task, KimiAgentRunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var error = result.StopReason switch
        {
            KimiAgentStopReason.Completed => null,
            KimiAgentStopReason.MaxSteps => $"stopped after {result.Steps} steps: it used up its step share of the swarm's budget (or its max_steps) before answering. Delegate a narrower task, or answer with what you have.",
            KimiAgentStopReason.TokenBudget => $"stopped after {result.Steps} steps: the swarm's token budget left no room for its next call. Answer with what you have.",
            KimiAgentStopReason.CostBudget => $"stopped after {result.Steps} steps: the swarm's cost budget left no room for its next call. Answer with what you have.",
            KimiAgentStopReason.WallTime => $"stopped after {result.Steps} steps: the swarm's time ran out.",
            KimiAgentStopReason.Cancelled => CancelledError,
            KimiAgentStopReason.ContextLength => "stopped: its history no longer fits the model's context window. Delegate smaller pieces.",
            KimiAgentStopReason.ToolError => $"stopped: a tool failed ({result.Exception?.Message}).",
            _ => $"failed: {result.Exception?.Message ?? result.StopReason.ToString()}",
        };
        return new KimiSwarmSubAgentResult(task, result.StopReason, error is null ? result.Text : string.Empty, result.Steps, result.Usage, result.CostUsd, error);
    }

    /// <summary>What the orchestrator is told about a sub-agent stopped with the swarm.</summary>
    internal const string CancelledError = "cancelled: the swarm was stopped. Delegate it again to continue it.";

    /// <summary>The sub-task.</summary>
    public KimiSwarmSubTask Task { get; }

    /// <summary>The sub-agent's run id.</summary>
    public string RunId => Task.RunId;

    /// <summary>How its run ended, or <see langword="null"/> when it could not run.</summary>
    public KimiAgentStopReason? StopReason { get; }

    /// <summary>Whether it completed with an answer.</summary>
    public bool Completed => StopReason == KimiAgentStopReason.Completed && Error is null;

    /// <summary>Its final answer (empty unless it completed).</summary>
    public string Text { get; }

    /// <summary>Model calls it made, across resumes.</summary>
    public int Steps { get; }

    /// <summary>Its usage, across resumes.</summary>
    public TokenUsage Usage { get; }

    /// <summary>Its cost in US dollars, when prices are known.</summary>
    public decimal? CostUsd { get; }

    /// <summary>What went wrong, or <see langword="null"/> when it completed.</summary>
    public string? Error { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Task.Name}: {(Completed ? "completed" : Error)} after {Steps} steps";
}
