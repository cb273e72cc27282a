using Microsoft.Extensions.Logging;

namespace Kimi.Client.Diagnostics;

/// <summary>Every log line Kimi.Client writes. No line ever carries the API key or request headers.</summary>
internal static partial class KimiLog
{
    [LoggerMessage(1, LogLevel.Warning, "{Provider} pins {Parameter} for Kimi K2.6; the value {Value} was not sent (sending it would be rejected with 400).")]
    public static partial void PinnedSamplingOmitted(ILogger logger, string provider, string parameter, float value);

    [LoggerMessage(2, LogLevel.Warning, "{Provider} documents an output cap of {Limit} tokens; {Requested} was requested and may be clamped or rejected.")]
    public static partial void MaxOutputTokensAboveSoftLimit(ILogger logger, string provider, int limit, int requested);

    [LoggerMessage(3, LogLevel.Warning, "Assistant tool-call message {Index} has no reasoning{Reason}; sending the \" \" placeholder because {Provider} rejects tool-call turns without reasoning while thinking is on.")]
    public static partial void ReasoningPlaceholderSent(ILogger logger, int index, string reason, string provider);

    [LoggerMessage(4, LogLevel.Warning, "Reasoning of {Count} assistant message(s) ({Indexes}) came from another host or model (first: {OriginDialect}/{OriginModel}) and is not replayed to {Dialect}/{Model}; warned once per message.")]
    public static partial void ForeignReasoningDropped(ILogger logger, int count, string indexes, string originDialect, string originModel, string dialect, string model);

    [LoggerMessage(63, LogLevel.Warning, "{Provider} takes no reasoning effort level for {Model} (thinking is on or off); ReasoningEffort '{Effort}' was not sent.")]
    public static partial void ReasoningEffortNotSent(ILogger logger, string provider, string model, string effort);

    [LoggerMessage(5, LogLevel.Information, "Thinking turned off for this call: {Provider} rejects tool_choice '{ToolChoice}' while thinking (DisableThinkingForForcedToolChoice is on).")]
    public static partial void ThinkingDisabledForForcedToolChoice(ILogger logger, string provider, string toolChoice);

    [LoggerMessage(6, LogLevel.Debug, "POST {Uri} ({Dialect}, model {Model}, stream {Stream}) answered {Status} in {ElapsedMs} ms; request id {RequestId}.")]
    public static partial void ResponseReceived(ILogger logger, string uri, string dialect, string model, bool stream, int status, long elapsedMs, string? requestId);

    [LoggerMessage(7, LogLevel.Warning, "{Provider} call failed with {Status}: {Error}; request id {RequestId}.")]
    public static partial void CallFailed(ILogger logger, string provider, int status, string error, string? requestId);

    [LoggerMessage(8, LogLevel.Warning, "The {Provider} stream ended after the finish reason but without [DONE]; the result is flagged incomplete. Request id {RequestId}.")]
    public static partial void StreamEndedWithoutDone(ILogger logger, string provider, string? requestId);

    [LoggerMessage(12, LogLevel.Warning, "The {Provider} stream sent [DONE] without a finish reason; the result is flagged incomplete. Request id {RequestId}.")]
    public static partial void StreamEndedWithoutFinishReason(ILogger logger, string provider, string? requestId);

    [LoggerMessage(9, LogLevel.Debug, "Chat call to {Provider} ({Model}, stream {Stream}) finished in {ElapsedMs} ms: {FinishReason}, {InputTokens} input / {OutputTokens} output tokens ({ReasoningTokens} reasoning), {Attempts} attempt(s); request id {RequestId}.")]
    public static partial void CallCompleted(ILogger logger, string provider, string model, bool stream, long elapsedMs, string? finishReason, int inputTokens, int outputTokens, int? reasoningTokens, int attempts, string? requestId);

    /// <summary>Message text: written only at Trace and only with <see cref="KimiTelemetryOptions.CaptureContent"/> on.</summary>
    [LoggerMessage(10, LogLevel.Trace, "Chat call to {Provider} sends {Messages}")]
    public static partial void RequestContent(ILogger logger, string provider, string messages);

    /// <summary>Answer text: written only at Trace and only with <see cref="KimiTelemetryOptions.CaptureContent"/> on.</summary>
    [LoggerMessage(11, LogLevel.Trace, "Chat call to {Provider} answered {Output}")]
    public static partial void ResponseContent(ILogger logger, string provider, string output);

    [LoggerMessage(40, LogLevel.Warning, "{Provider} pins {Parameter} for Kimi K2.6; the AdditionalProperties value was not sent (sending it would be rejected with 400).")]
    public static partial void PinnedSamplingExtraOmitted(ILogger logger, string provider, string parameter);

    [LoggerMessage(60, LogLevel.Warning, "{Provider} model {Model}: {Warning}")]
    public static partial void ModelWarning(ILogger logger, string provider, string model, string warning);

    [LoggerMessage(61, LogLevel.Warning, "Assistant message {Index} replays tool call {CallId} with arguments that are not a JSON object; sending {{}} instead because {Provider} rejects the request otherwise.")]
    public static partial void ToolArgumentsReplaced(ILogger logger, int index, string callId, string provider);

    [LoggerMessage(62, LogLevel.Warning, "{Provider} ignores tool_choice; '{ToolChoice}' was not sent (AllowIgnoredToolChoice is on), so the model may answer without calling a tool.")]
    public static partial void ToolChoiceIgnored(ILogger logger, string provider, string toolChoice);

    [LoggerMessage(41, LogLevel.Warning, "{Provider} answered with an empty completion: no text and no tool calls after {ReasoningLength} characters of reasoning (finish reason {FinishReason}). Open-source engines do this on some tool follow-ups; retry or check the engine's reasoning parser.")]
    public static partial void EmptyCompletion(ILogger logger, string provider, int reasoningLength, string? finishReason);

    [LoggerMessage(42, LogLevel.Warning, "Tool result message {Index} carries an image or video that {Provider} cannot take; the model gets a description instead. {Reason}")]
    public static partial void ToolResultMediaDescribed(ILogger logger, int index, string provider, string reason);
}
