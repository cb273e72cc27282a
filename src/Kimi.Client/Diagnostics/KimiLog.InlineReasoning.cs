using Microsoft.Extensions.Logging;

namespace Kimi.Client.Diagnostics;

/// <summary>The inline-reasoning splitter's lines (<see cref="Streaming.InlineReasoningSplitter"/>); never the text itself.</summary>
internal static partial class KimiLog
{
    [LoggerMessage(160, LogLevel.Warning, "{Provider} ended the response inside inline reasoning (no </think>; finish reason {FinishReason}): its {Length} characters are returned as text. " +
        "With 'length' the output cap probably cut the reasoning; otherwise start the server with --reasoning-parser kimi_k2. Request id {RequestId}.")]
    public static partial void InlineReasoningUnterminated(ILogger logger, string provider, string? finishReason, int length, string? requestId);

    [LoggerMessage(161, LogLevel.Warning, "{Provider} wrote a tool-call section as text without <|tool_calls_section_end|> ({Length} characters, finish reason {FinishReason}); it is left in the text. Request id {RequestId}.")]
    public static partial void ToolSectionUnterminated(ILogger logger, string provider, int length, string? finishReason, string? requestId);

    [LoggerMessage(162, LogLevel.Warning, "{Provider} wrote a tool-call section as text with no call in Kimi's grammar ({Length} characters); it is left in the text. Request id {RequestId}.")]
    public static partial void ToolSectionMalformed(ILogger logger, string provider, int length, string? requestId);

    [LoggerMessage(163, LogLevel.Information, "{Provider} wrote {Count} tool call(s) as text; they were parsed into tool calls (start the server with --tool-call-parser kimi_k2 to get them as data). Request id {RequestId}.")]
    public static partial void ToolCallsRecoveredFromText(ILogger logger, string provider, int count, string? requestId);
}
