namespace Kimi.Client;

/// <summary>The prompt tokens of a conversation: counted by the host (Moonshot), or estimated locally (<see cref="IsEstimate"/>).</summary>
/// <param name="totalTokens">The tokens the messages take.</param>
/// <param name="isEstimate">Whether the figure is the library's local estimate rather than the host's count.</param>
public sealed class KimiTokenCount(int totalTokens, bool isEstimate)
{
    /// <summary>
    /// The tokens the messages take. Tool declarations and the thinking prefill are not counted (the host's figure is a lower
    /// bound on the call's <c>prompt_tokens</c>).
    /// </summary>
    public int TotalTokens { get; } = totalTokens;

    /// <summary>
    /// <see langword="true"/> when the host has no count endpoint and the figure is a local estimate: one token per four
    /// characters of text, reasoning sent back and tool calls, plus 4 per message and 1,024 per image or video.
    /// </summary>
    public bool IsEstimate { get; } = isEstimate;

    /// <inheritdoc/>
    public override string ToString() => IsEstimate ? $"~{TotalTokens} tokens (estimate)" : $"{TotalTokens} tokens";
}
