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
