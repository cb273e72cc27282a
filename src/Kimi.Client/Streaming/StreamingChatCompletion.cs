namespace Kimi.Client;

/// <summary>
/// A streamed completion: enumerate it once for <see cref="ChatCompletionUpdate"/>s as they arrive, then read
/// <see cref="Completion"/> for the assembled result. The HTTP request starts when enumeration starts; the response
/// is released when enumeration ends for any reason (completion, error, <c>break</c> or cancellation).
/// </summary>
/// <remarks>
/// A stream that fails part-way throws a <see cref="KimiException"/> whose <see cref="KimiException.PartialCompletion"/>
/// holds what arrived; a stream that ends after its finish reason but without <c>[DONE]</c> completes normally with
/// <see cref="ChatCompletion.IsIncomplete"/> set.
/// </remarks>
public sealed class StreamingChatCompletion : IAsyncEnumerable<ChatCompletionUpdate>
{
    // A client's call is held as its parts rather than a lambda over them (a closure and a delegate on every call); a model
    // factory's replay is a producer delegate.
    private readonly KimiClient? _client;
    private readonly ChatRequest? _request;
    private readonly KimiMessage[]? _messages;
    private readonly ChatCompletionOptions? _options;
    private readonly Func<StreamState, CancellationToken, IAsyncEnumerable<ChatCompletionUpdate>>? _producer;
    private readonly CancellationToken _cancellationToken;
    private readonly StreamState _state = new();
    private int _enumerated;

    internal StreamingChatCompletion(Func<StreamState, CancellationToken, IAsyncEnumerable<ChatCompletionUpdate>> producer, CancellationToken cancellationToken)
    {
        _producer = producer;
        _cancellationToken = cancellationToken;
    }

    internal StreamingChatCompletion(KimiClient client, ChatRequest request, KimiMessage[] messages, ChatCompletionOptions? options, CancellationToken cancellationToken)
    {
        _client = client;
        _request = request;
        _messages = messages;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The HTTP response's status, headers and request id; available once the first update has arrived.</summary>
    public KimiResponseInfo? Response => _state.Response;

    /// <summary>
    /// The completion assembled from every update, once enumeration has finished; before that, <see langword="null"/>.
    /// Flagged <see cref="ChatCompletion.IsIncomplete"/> when the stream ended without <c>[DONE]</c>.
    /// </summary>
    public ChatCompletion? Completion => _state.Completion;

    /// <summary>Starts the request and returns the updates as they arrive. A stream can be enumerated once.</summary>
    /// <param name="cancellationToken">Cancels the stream (combined with the token given to <c>StreamAsync</c>).</param>
    /// <returns>The enumerator.</returns>
    /// <exception cref="InvalidOperationException">The stream was already enumerated.</exception>
    public IAsyncEnumerator<ChatCompletionUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A StreamingChatCompletion can be enumerated once; call StreamAsync again for a new request.");
        }

        // Two tokens that can each cancel need a linked source, which Enumerate disposes at the end; otherwise the producer's
        // own enumerator is handed out as it is (a pass-through iterator costs a state-machine step on every update).
        if (cancellationToken.CanBeCanceled && _cancellationToken.CanBeCanceled && cancellationToken != _cancellationToken)
        {
            return Enumerate(cancellationToken).GetAsyncEnumerator(cancellationToken);
        }

        return Open(cancellationToken.CanBeCanceled ? cancellationToken : _cancellationToken);
    }

    private IAsyncEnumerator<ChatCompletionUpdate> Open(CancellationToken token) =>
        _client is not null ? _client.OpenStream(_request!, _messages!, _options, _state, token) : _producer!(_state, token).GetAsyncEnumerator(token);

    private async IAsyncEnumerable<ChatCompletionUpdate> Enumerate([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _cancellationToken);
        var token = linked.Token;
        var updates = Open(token);
        await using (updates.ConfigureAwait(false))
        {
            while (await updates.MoveNextAsync().ConfigureAwait(false))
            {
                yield return updates.Current;
            }
        }
    }
}

/// <summary>What a stream's reader shares with its <see cref="StreamingChatCompletion"/>.</summary>
internal sealed class StreamState
{
    public ChatCompletionAccumulator Accumulator { get; } = new();

    public KimiResponseInfo? Response { get; set; }

    public ChatCompletion? Completion { get; set; }

    /// <summary>The inline-reasoning splitter for this response, or <see langword="null"/> when the host does not need one.</summary>
    public Streaming.InlineReasoningSplitter? Splitter { get; set; }
}
