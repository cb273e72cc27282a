namespace Kimi.Client.Agents;

/// <summary>Why an agent run ended.</summary>
public enum KimiAgentStopReason
{
    /// <summary>The model answered without asking for tools.</summary>
    Completed = 0,

    /// <summary><see cref="KimiAgentOptions.MaxSteps"/> model calls were made.</summary>
    MaxSteps = 1,

    /// <summary><see cref="KimiAgentOptions.MaxTotalTokens"/> would be exceeded by another call.</summary>
    TokenBudget = 2,

    /// <summary><see cref="KimiAgentOptions.MaxCostUsd"/> would be exceeded by another call.</summary>
    CostBudget = 3,

    /// <summary><see cref="KimiAgentOptions.MaxWallTime"/> elapsed.</summary>
    WallTime = 4,

    /// <summary>The caller's cancellation token was cancelled.</summary>
    Cancelled = 5,

    /// <summary>The history no longer fits the context window and no reducer could shrink it.</summary>
    ContextLength = 6,

    /// <summary>A tool threw and <see cref="KimiAgentOptions.StopOnToolError"/> is set.</summary>
    ToolError = 7,

    /// <summary>A model call failed (see <see cref="KimiAgentRunResult.Exception"/>).</summary>
    Failed = 8,
}
