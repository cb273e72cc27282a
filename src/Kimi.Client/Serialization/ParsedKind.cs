namespace Kimi.Client.Serialization;

/// <summary>What one SSE event (or a whole response body) turned out to be.</summary>
internal enum ParsedKind
{
    Update,
    Done,
    Error,
    Skip,
    Invalid,
}
