namespace Kimi.Client.Serialization;

/// <summary>The result of parsing one event.</summary>
/// <param name="Kind">What the event is.</param>
/// <param name="Update">The update (<see cref="ParsedKind.Update"/>).</param>
/// <param name="Error">The provider's error (<see cref="ParsedKind.Error"/>).</param>
/// <param name="Problem">Why the event cannot be read (<see cref="ParsedKind.Invalid"/>).</param>
/// <param name="ChunkId">The chunk's <c>id</c> when it was read before the problem was found (<see cref="ParsedKind.Invalid"/>).</param>
/// <param name="Payload">
/// The start of the raw payload (at most <see cref="ChunkParser.PayloadCaptureLength"/> characters, not yet scrubbed), kept
/// only for an invalid streamed event so the error can quote it.
/// </param>
internal readonly record struct ParsedEvent(
    ParsedKind Kind, ChatCompletionUpdate? Update = null, KimiProviderError? Error = null, string? Problem = null, string? ChunkId = null, string? Payload = null)
{
    public static ParsedEvent Done { get; } = new(ParsedKind.Done);

    public static ParsedEvent Skip { get; } = new(ParsedKind.Skip);
}
