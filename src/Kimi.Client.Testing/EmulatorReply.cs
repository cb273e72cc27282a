namespace Kimi.Client.Testing;

/// <summary>What the emulated model answers to one request: a completion, or an error sent verbatim.</summary>
/// <remarks>
/// The emulator shapes a completion in the dialect's wire format. Reasoning is sent only while thinking is on for the
/// request (in the dialect's own switch); with thinking off it is dropped, and on vLLM/SGLang with
/// <c>chat_template_kwargs.enable_thinking:false</c> it leaks into the content as <c>&lt;reasoning&gt;&lt;/think&gt;&lt;text&gt;</c>.
/// Token counts left <see langword="null"/> are estimated as one token per four UTF-8 bytes.
/// </remarks>
public sealed class EmulatorReply
{
    /// <summary>Gets or sets the answer text; <see langword="null"/> sends an empty or null content, as the dialect does.</summary>
    public string? Text { get; set; }

    /// <summary>Gets or sets the reasoning text, sent in the dialect's reasoning field while thinking is on.</summary>
    public string? Reasoning { get; set; }

    /// <summary>Gets the tool calls the model makes, in order.</summary>
    public IList<EmulatorToolCall> ToolCalls { get; } = new List<EmulatorToolCall>();

    /// <summary>Gets or sets the finish reason, sent verbatim; defaults to <c>tool_calls</c> when there are tool calls, else <c>stop</c>.</summary>
    public string? FinishReason { get; set; }

    /// <summary>Gets or sets the reported prompt tokens; defaults to the emulator's estimate of the request.</summary>
    public int? PromptTokens { get; set; }

    /// <summary>Gets or sets the reported completion tokens (reasoning included); defaults to an estimate of text, tool calls and reasoning.</summary>
    public int? CompletionTokens { get; set; }

    /// <summary>Gets or sets the reported reasoning tokens; defaults to an estimate of the reasoning sent.</summary>
    public int? ReasoningTokens { get; set; }

    /// <summary>Gets or sets the reported cached prompt tokens; defaults to 0.</summary>
    public int? CachedTokens { get; set; }

    /// <summary>Gets or sets the HTTP status of an error reply; when set, <see cref="ErrorBody"/> is sent verbatim instead of a completion.</summary>
    /// <remarks>Any status is allowed, so a recorded body (even a 200 <c>text/event-stream</c>, with the header in <see cref="Headers"/>) can be replayed as is.</remarks>
    public int? StatusCode { get; set; }

    /// <summary>Gets or sets the body of an error reply, sent verbatim (as <c>application/json</c> unless <see cref="Headers"/> says otherwise).</summary>
    public string? ErrorBody { get; set; }

    /// <summary>Gets extra response headers, such as <c>Retry-After</c>; they replace the emulator's own headers of the same name.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets how long the emulator waits before sending the response headers.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>Gets or sets a failure injected into the stream when the request is streamed.</summary>
    public EmulatorStreamFault? Fault { get; set; }

    /// <summary>Creates a text answer.</summary>
    /// <param name="text">The answer text.</param>
    /// <param name="reasoning">The reasoning, sent while thinking is on.</param>
    /// <returns>The reply.</returns>
    public static EmulatorReply FromText(string text, string? reasoning = null) => new() { Text = text, Reasoning = reasoning };

    /// <summary>Creates an answer that calls tools.</summary>
    /// <param name="reasoning">The reasoning, sent while thinking is on.</param>
    /// <param name="toolCalls">The tool calls, in order.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="toolCalls"/> is <see langword="null"/>.</exception>
    public static EmulatorReply FromToolCalls(string? reasoning, params EmulatorToolCall[] toolCalls)
    {
        ArgumentNullException.ThrowIfNull(toolCalls);
        var reply = new EmulatorReply { Reasoning = reasoning };
        foreach (EmulatorToolCall call in toolCalls)
        {
            reply.ToolCalls.Add(call ?? throw new ArgumentException("A tool call is null.", nameof(toolCalls)));
        }

        return reply;
    }

    /// <summary>Creates an error reply, sent verbatim with <paramref name="statusCode"/>.</summary>
    /// <param name="statusCode">The HTTP status, 100 to 599.</param>
    /// <param name="body">The body; <see langword="null"/> or empty sends no body.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is not an HTTP status.</exception>
    public static EmulatorReply Error(int statusCode, string? body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return new() { StatusCode = statusCode, ErrorBody = body };
    }
}
