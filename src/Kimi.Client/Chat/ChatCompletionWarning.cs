namespace Kimi.Client;

/// <summary>
/// Something about the model's output that did not fail the call but that the caller should know: the result was
/// repaired or left as it came (for example reasoning that never reached its <c>&lt;/think&gt;</c> returned as text).
/// The same warning is logged.
/// </summary>
public sealed class ChatCompletionWarning
{
    /// <summary>Inline reasoning (<see cref="KimiProvider.InlineReasoning"/>) never reached <c>&lt;/think&gt;</c>: it is returned as text. With finish reason <c>length</c> the output cap probably cut the reasoning.</summary>
    public const string InlineReasoningUnterminated = nameof(InlineReasoningUnterminated);

    /// <summary>A tool-call section written as text (<see cref="KimiProvider.RecoverToolCallsFromText"/>) has no <c>&lt;|tool_calls_section_end|&gt;</c>: it is left in the text.</summary>
    public const string ToolSectionUnterminated = nameof(ToolSectionUnterminated);

    /// <summary>A tool-call section written as text holds no call in Kimi's documented grammar: it is left in the text.</summary>
    public const string ToolSectionMalformed = nameof(ToolSectionMalformed);

    /// <summary>Creates a warning.</summary>
    /// <param name="code">What happened, such as <see cref="InlineReasoningUnterminated"/>.</param>
    /// <param name="message">What happened and what to do, in a sentence or two.</param>
    /// <param name="finishReason">The finish reason the response ended with, when it matters to the warning.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> or <paramref name="message"/> is empty.</exception>
    public ChatCompletionWarning(string code, string message, FinishReason? finishReason = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        Code = code;
        Message = message;
        FinishReason = finishReason;
    }

    /// <summary>What happened: one of the constants on this type, or another code.</summary>
    public string Code { get; }

    /// <summary>What happened and what to do.</summary>
    public string Message { get; }

    /// <summary>The finish reason the response ended with, when it matters to the warning (<c>length</c> against <c>stop</c>).</summary>
    public FinishReason? FinishReason { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Code}: {Message}";
}
