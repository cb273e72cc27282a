using Microsoft.Extensions.AI;

namespace Kimi.Client.AI;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="IChatClient"/> over a <see cref="KimiClient"/>. Unlike a generic OpenAI-compatible
/// client, it sends the model's reasoning back on later turns (Moonshot rejects a tool-call turn without it), so it works
/// under <c>UseFunctionInvocation()</c> with thinking on.
/// </summary>
/// <remarks>
/// <para>
/// Reasoning comes out as <see cref="TextReasoningContent"/> marked with its origin (<see cref="KimiPropertyNames"/>) and
/// goes back in from assistant messages, several contents concatenated. With <c>ChatOptions.Reasoning.Output</c> set to
/// <see cref="ReasoningOutput.None"/> its text is hidden: the content has empty text and keeps the reasoning (not
/// encrypted) in <see cref="TextReasoningContent.ProtectedData"/>, so it stays in the history for the echo.
/// </para>
/// <para>
/// Options: <c>ModelId</c> must be empty or the client's model (a <see cref="KimiClient"/> is bound to one); <c>TopK</c>,
/// <c>ConversationId</c> and <c>AllowMultipleToolCalls</c> are ignored; <c>Reasoning.Effort</c> none turns thinking off and
/// any other effort on; <see cref="KimiPropertyNames.Thinking"/> in <c>AdditionalProperties</c> picks a
/// <see cref="ThinkingMode"/>; other additional properties become top-level request fields. A
/// <see cref="ChatCompletionOptions"/> returned by <c>RawRepresentationFactory</c> is the starting point and its values win.
/// </para>
/// <para>
/// Contents: text, reasoning, function calls and results, and images and videos (<see cref="DataContent"/> or
/// <see cref="UriContent"/>) are sent. Other media and hosted files throw <see cref="NotSupportedException"/> rather
/// than being dropped unseen; metadata contents (usage, errors) are skipped. Non-function tools throw too. A function
/// result that is AI content (as an MCP tool returns it) keeps its images: they follow the tool results as image parts
/// where the provider takes images, and are described in the tool text where it does not.
/// </para>
/// <para>Thread-safe. Disposing it does not dispose the <see cref="KimiClient"/>, which the caller (or DI) owns.</para>
/// </remarks>
public sealed class KimiChatClient : IChatClient
{
    private readonly KimiClient _client;
    private ChatClientMetadata? _metadata;

    /// <summary>Creates a chat client that calls <paramref name="client"/>.</summary>
    /// <param name="client">The Kimi client; its provider, endpoint and model are used for every call.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    public KimiChatClient(KimiClient client) => _client = client ?? throw new ArgumentNullException(nameof(client));

    /// <summary>Sends the conversation and returns the answer as one assistant message.</summary>
    /// <param name="messages">The conversation so far, oldest first.</param>
    /// <param name="options">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: reasoning, text and function calls, with usage, finish reason and the <see cref="ChatCompletion"/> as raw representation.</returns>
    /// <exception cref="ArgumentException">A message or option is invalid (nothing was sent).</exception>
    /// <exception cref="NotSupportedException">A content, tool, role or model id that Kimi cannot take (nothing was sent).</exception>
    /// <exception cref="KimiApiException">The provider returned an error.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var kimiMessages = ChatMessageMapper.ToKimiMessages(messages, options?.Instructions);
        var kimiOptions = ChatOptionsMapper.ToCompletionOptions(this, _client, options) ?? new ChatCompletionOptions();
        kimiOptions.InstrumentedByCaller = true; // UseOpenTelemetry() records gen_ai.*; KimiClient adds only kimi.* (see KimiTelemetry)
        var completion = await _client.CompleteAsync(kimiMessages, kimiOptions, cancellationToken).ConfigureAwait(false);
        return ChatResponseMapper.ToChatResponse(completion, ChatOptionsMapper.HidesReasoning(options));
    }

    /// <summary>
    /// Sends the conversation and streams the answer: reasoning and text deltas as they arrive, then one last update with
    /// the complete function calls, usage and finish reason. Input is validated now; the request starts on enumeration.
    /// </summary>
    /// <param name="messages">The conversation so far, oldest first.</param>
    /// <param name="options">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The updates; <c>ToChatResponseAsync()</c> folds them into one assistant message.</returns>
    /// <exception cref="ArgumentException">A message or option is invalid (nothing was sent).</exception>
    /// <exception cref="NotSupportedException">A content, tool, role or model id that Kimi cannot take (nothing was sent).</exception>
    /// <exception cref="KimiException">During enumeration: the provider returned an error or the stream was cut.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var kimiMessages = ChatMessageMapper.ToKimiMessages(messages, options?.Instructions);
        var kimiOptions = ChatOptionsMapper.ToCompletionOptions(this, _client, options) ?? new ChatCompletionOptions();
        kimiOptions.InstrumentedByCaller = true;
        var stream = _client.StreamAsync(kimiMessages, kimiOptions, cancellationToken);
        return ChatResponseMapper.ToUpdatesAsync(stream, ChatOptionsMapper.HidesReasoning(options), cancellationToken);
    }

    /// <summary>
    /// Returns this client, its <see cref="ChatClientMetadata"/> (provider name such as <c>moonshot</c>, endpoint, model) or
    /// the underlying <see cref="KimiClient"/>.
    /// </summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">A key; only <see langword="null"/> is served.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata ??= new ChatClientMetadata(ProviderName(_client), _client.Endpoint, _client.Model);
        }

        return serviceType.IsInstanceOfType(this) ? this : serviceType.IsInstanceOfType(_client) ? _client : null;
    }

    /// <summary>Does nothing: the <see cref="KimiClient"/> belongs to whoever created it.</summary>
    public void Dispose()
    {
    }

    /// <inheritdoc/>
    public override string ToString() => $"KimiChatClient({_client})";

    // The dialect name (moonshot, deepinfra, nvidia, vllm, sglang); a mocked client has no settings, only its Provider.
    private static string ProviderName(KimiClient client) =>
        (client.Settings?.Profile ?? client.Provider).Dialect;
}
