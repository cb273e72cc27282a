using System.Net;

namespace Kimi.Client;

/// <summary>Builds Kimi.Client results for your own tests (results have no public constructors).</summary>
public static class KimiModelFactory
{

    /// <summary>Creates a completion.</summary>
    /// <param name="text">The answer text.</param>
    /// <param name="reasoning">The reasoning, or <see langword="null"/> for none.</param>
    /// <param name="toolCalls">Tool calls, if any.</param>
    /// <param name="finishReason">Why the model stopped. Default: <c>stop</c>, or <c>tool_calls</c> when there are tool calls.</param>
    /// <param name="usage">Token usage.</param>
    /// <param name="id">The completion id.</param>
    /// <param name="model">The model id.</param>
    /// <param name="response">The HTTP response record.</param>
    /// <param name="reasoningOrigin">Where the reasoning came from; <see langword="null"/> (the default) replays it to any provider.</param>
    /// <param name="isIncomplete">Whether it is a partial result.</param>
    /// <param name="additionalProperties">Fields the SDK does not read (<see cref="Client.ChatCompletion.AdditionalProperties"/>).</param>
    /// <returns>The completion.</returns>
    public static ChatCompletion ChatCompletion(
        string text = "",
        string? reasoning = null,
        IEnumerable<ToolCall>? toolCalls = null,
        FinishReason? finishReason = null,
        TokenUsage? usage = null,
        string? id = null,
        string? model = null,
        KimiResponseInfo? response = null,
        ReasoningOrigin? reasoningOrigin = null,
        bool isIncomplete = false,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement>? additionalProperties = null)
    {
        var calls = toolCalls?.ToArray() ?? [];
        return new ChatCompletion(
            id, model, null, text ?? string.Empty, reasoning, calls,
            finishReason ?? (calls.Length > 0 ? Client.FinishReason.ToolCalls : Client.FinishReason.Stop),
            usage, response, reasoning is null ? null : reasoningOrigin, isIncomplete) // no origin: treated like caller-written reasoning
        {
            AdditionalProperties = additionalProperties,
        };
    }

    /// <summary>Creates a streamed update.</summary>
    /// <param name="contentDelta">A piece of the answer.</param>
    /// <param name="reasoningDelta">A piece of reasoning.</param>
    /// <param name="toolCallUpdates">Tool-call fragments.</param>
    /// <param name="finishReason">The finish reason, on the last content chunk.</param>
    /// <param name="usage">Usage, on the chunk that carries it.</param>
    /// <param name="id">The completion id.</param>
    /// <param name="model">The model id.</param>
    /// <param name="response">The HTTP response record.</param>
    /// <param name="additionalProperties">Fields the SDK does not read (<see cref="Client.ChatCompletionUpdate.AdditionalProperties"/>).</param>
    /// <returns>The update.</returns>
    public static ChatCompletionUpdate ChatCompletionUpdate(
        string? contentDelta = null,
        string? reasoningDelta = null,
        IEnumerable<ToolCallUpdate>? toolCallUpdates = null,
        FinishReason? finishReason = null,
        TokenUsage? usage = null,
        string? id = null,
        string? model = null,
        KimiResponseInfo? response = null,
        IReadOnlyDictionary<string, System.Text.Json.JsonElement>? additionalProperties = null) =>
        new(new StreamMetadata(id, model, null, response, null), reasoningDelta, contentDelta, toolCallUpdates?.ToArray(),
            finishReason?.Value, usage, usageIsTopLevel: true, additionalProperties: additionalProperties);

    /// <summary>Creates a tool-call fragment.</summary>
    /// <param name="index">The call's position.</param>
    /// <param name="id">The call id.</param>
    /// <param name="name">The function name.</param>
    /// <param name="argumentsDelta">A piece of the arguments.</param>
    /// <returns>The fragment.</returns>
    public static ToolCallUpdate ToolCallUpdate(int index, string? id = null, string? name = null, string? argumentsDelta = null) =>
        new(index, id, name, argumentsDelta);

    /// <summary>Creates a usage record.</summary>
    /// <param name="inputTokens">Prompt tokens.</param>
    /// <param name="outputTokens">Completion tokens, reasoning included.</param>
    /// <param name="cachedInputTokens">Cached prompt tokens.</param>
    /// <param name="reasoningTokens">Reasoning tokens.</param>
    /// <returns>The usage.</returns>
    public static TokenUsage TokenUsage(int inputTokens = 0, int outputTokens = 0, int? cachedInputTokens = null, int? reasoningTokens = null) =>
        new(inputTokens, outputTokens, null, cachedInputTokens, reasoningTokens);

    /// <summary>Creates an HTTP response record.</summary>
    /// <param name="statusCode">The status.</param>
    /// <param name="requestId">The request id.</param>
    /// <returns>The record.</returns>
    public static KimiResponseInfo ResponseInfo(HttpStatusCode statusCode = HttpStatusCode.OK, string? requestId = null)
    {
        using var message = new HttpResponseMessage(statusCode);
        return new KimiResponseInfo(statusCode, message.Headers, requestId);
    }

    /// <summary>Creates a stream that yields the given updates, for mocking <see cref="KimiClient.StreamAsync(IEnumerable{KimiMessage}, ChatCompletionOptions?, CancellationToken)"/>.</summary>
    /// <param name="updates">The updates to yield, in order.</param>
    /// <returns>The stream; its <see cref="StreamingChatCompletion.Completion"/> is assembled from the updates.</returns>
    public static StreamingChatCompletion StreamingChatCompletion(IEnumerable<ChatCompletionUpdate> updates)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var list = updates.ToArray();
        return new StreamingChatCompletion((state, ct) => Replay(list, state, ct), CancellationToken.None);
    }

    /// <summary>An attempt record, for tests of code that reads <see cref="KimiException.Attempts"/> or <see cref="Kimi.Client.ChatCompletion.Attempts"/>.</summary>
    /// <param name="provider">The host tried; default <see cref="KimiProvider.Moonshot"/>.</param>
    /// <param name="status">The HTTP status, or <see langword="null"/> for no response.</param>
    /// <param name="outcome">What became of the try.</param>
    /// <param name="detail">A short description.</param>
    /// <param name="duration">How long it took.</param>
    /// <returns>The attempt.</returns>
    public static KimiAttempt Attempt(KimiProvider? provider = null, HttpStatusCode? status = HttpStatusCode.OK, KimiAttemptOutcome outcome = KimiAttemptOutcome.Succeeded, string detail = "ok", TimeSpan duration = default)
    {
        provider ??= KimiProvider.Moonshot;
        return new(provider, provider.Endpoint?.ToString() ?? "http://localhost/v1", status, duration, outcome, detail);
    }

    private static async IAsyncEnumerable<ChatCompletionUpdate> Replay(ChatCompletionUpdate[] updates, StreamState state, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var update in updates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            state.Response ??= update.Response;
            state.Accumulator.Append(update);
            yield return update;
        }

        state.Completion = state.Accumulator.ToCompletion();
    }
}
