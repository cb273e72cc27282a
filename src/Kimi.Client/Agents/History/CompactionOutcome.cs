namespace Kimi.Client.Agents;

/// <summary>What one compaction changed: messages [Start, Start + RemovedCount) of the history before became <see cref="Replacement"/>.</summary>
internal sealed record CompactionOutcome(
    int Start,
    int RemovedCount,
    IReadOnlyList<KimiMessage> Replacement,
    long TokensBefore,
    long TokensAfter,
    int MessagesBefore,
    int MessagesAfter,
    int ReasoningCleared,
    int ToolResultsShortened,
    int MessagesSummarized,
    TokenUsage? SummaryUsage);
