namespace Kimi.Client.Serialization;

/// <summary>What one SSE event (or a whole response body) turned out to be.</summary>
internal enum ParsedKind
{
    Update,

    /// <summary>A whole answer read straight into its completion (<see cref="ChunkParser.CompletesWholeAnswers"/>).</summary>
    Completion,
    Done,
    Error,
    Skip,
    Invalid,
}
