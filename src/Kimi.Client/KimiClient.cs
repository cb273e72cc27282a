using Kimi.Client.Diagnostics;
using Kimi.Client.Errors;
using Kimi.Client.Http;
using Kimi.Client.Serialization;
using Kimi.Client.Streaming;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kimi.Client;

/// <summary>
/// Calls Kimi K2.6 on any of its providers with one API: the provider's dialect (thinking switch, reasoning fields,
/// token field, usage placement, error shapes) is handled for you.
/// </summary>
/// <remarks>
/// Thread-safe: create one client per provider and share it. Members are virtual for mocking; use
/// <see cref="KimiModelFactory"/> to build results in tests.
/// </remarks>
public partial class KimiClient : IDisposable
{
    private readonly HttpClient _http = null!;
    private readonly bool _ownsHttpClient;
    private readonly ClientSettings _settings = null!;
    private readonly KimiTransport _transport = null!;
    private readonly ILogger _logger = NullLogger.Instance;

    /// <summary>For mocking only: creates a client whose members must all be overridden.</summary>
    protected KimiClient()
    {
    }

    /// <summary>
    /// Creates a client that owns its HTTP connection pool and resilience pipeline (retries, timeouts; see
    /// <see cref="KimiResilienceOptions"/>). Dispose it when done, or share one for the app's lifetime.
    /// </summary>
    /// <param name="options">Provider, key, endpoint, model, defaults, resilience and failover.</param>
    /// <param name="loggerFactory">Where warnings (pinned sampling dropped, reasoning placeholders) are logged.</param>
    /// <param name="timeProvider">The clock for timeouts, backoff and cooldowns; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid or the provider needs a key and none was found.</exception>
    public KimiClient(KimiClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(CreateSettings(options, timeProvider), loggerFactory)
    {
    }

    /// <summary>
    /// Creates a client over an <see cref="HttpClient"/> you own (for example from <c>IHttpClientFactory</c>), with the same
    /// retries, <c>Retry-After</c> handling, timeouts and failover as any other client (the retry policy runs around each try,
    /// not as a handler; set <see cref="KimiResilienceOptions.Enabled"/> to <see langword="false"/> if your own handler retries).
    /// You own its lifetime; set its <see cref="HttpClient.Timeout"/> to infinite for long thinking calls (it is reported as
    /// <see cref="KimiTimeoutException"/> when it fires).
    /// </summary>
    /// <param name="httpClient">The client to send requests with; its <see cref="HttpClient.BaseAddress"/> is not used.</param>
    /// <param name="options">Provider, key, endpoint, model, defaults, resilience and failover.</param>
    /// <param name="loggerFactory">Where warnings are logged.</param>
    /// <param name="timeProvider">The clock for timeouts and cooldowns; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid or the provider needs a key and none was found.</exception>
    public KimiClient(HttpClient httpClient, KimiClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(httpClient ?? throw new ArgumentNullException(nameof(httpClient)), CreateSettings(options, timeProvider), loggerFactory)
    {
    }

    private KimiClient(ClientSettings settings, ILoggerFactory? loggerFactory)
        : this(KimiHttp.CreateOwnedHttpClient(), settings, loggerFactory)
    {
        _ownsHttpClient = true;
    }

    internal KimiClient(HttpClient httpClient, ClientSettings settings, ILoggerFactory? loggerFactory)
    {
        _http = httpClient;
        _settings = settings;
        _logger = loggerFactory?.CreateLogger<KimiClient>() ?? NullLogger<KimiClient>.Instance;
        _transport = new KimiTransport(httpClient, settings, _logger);
        if (settings.ModelWarning is { } warning)
        {
            KimiLog.ModelWarning(_logger, settings.Profile.DisplayName, settings.Model, warning);
        }
    }

    /// <summary>The host this client calls: its profile, with everything that differs about it (context window, prices, limits …).</summary>
    public virtual KimiProvider Provider => _settings.Profile;

    /// <summary>The model id sent with every call.</summary>
    public virtual string Model => _settings.Model;

    /// <summary>The base URL calls go to (before <c>/chat/completions</c>).</summary>
    public virtual Uri Endpoint => _settings.Endpoint;

    /// <summary>
    /// Moonshot's files API on this client's endpoint, key and connection pool: upload an image or video once and send it as
    /// <c>ms://&lt;id&gt;</c>. Its calls throw <see cref="NotSupportedException"/> on providers without one (all but Moonshot).
    /// </summary>
    /// <returns>The files client; cheap to create, safe to share.</returns>
    public virtual KimiFilesClient GetFilesClient() => new(_http, _settings);

    /// <summary>
    /// The host's calls beyond chat (model list, token count, balance) on this client's endpoint, key, connection pool and
    /// retries. A call the host does not have throws <see cref="NotSupportedException"/> before sending.
    /// </summary>
    /// <returns>The platform client; cheap to create, safe to share.</returns>
    public virtual KimiPlatformClient GetPlatformClient() => new(_http, _settings, _logger);

    internal ClientSettings Settings => _settings;

    internal KimiTransport Transport => _transport;

    internal ILogger Logger => _logger;

    /// <summary>Asks the model and waits for the whole answer.</summary>
    /// <param name="messages">The conversation so far, oldest first.</param>
    /// <param name="options">Settings for this call; <see langword="null"/> for the client's defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer, with reasoning, tool calls, usage, the request id and every attempt it took.</returns>
    /// <exception cref="ArgumentException">The messages or options are invalid (nothing was sent).</exception>
    /// <exception cref="NotSupportedException">The provider cannot do what the options ask (nothing was sent); the message says the way out.</exception>
    /// <exception cref="KimiApiException">The provider returned an error; subclasses tell auth, rate limit, bad request, context length and server errors apart.</exception>
    /// <exception cref="KimiTimeoutException">No answer within the resilience time limits.</exception>
    /// <exception cref="KimiConnectionException">The provider could not be reached.</exception>
    /// <exception cref="KimiResponseFormatException">The response was not valid chat-completions JSON.</exception>
    public virtual async Task<ChatCompletion> CompleteAsync(IEnumerable<KimiMessage> messages, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var snapshot = Snapshot(messages);
        var request = ChatRequest.Create(_settings, snapshot, options, stream: false, _logger);
        using var telemetry = KimiCallTelemetry.Start(_settings, request, _logger);
        try
        {
            var sent = new TransportResult(await _transport.SendAsync(request, snapshot, options, cancellationToken).ConfigureAwait(false));
            var completion = ChatResponseReader.Read(sent, InlineReasoningSplitter.For(sent, request, _logger));
            completion.PrefillText = request.PrefillText;
            telemetry.Completed(completion);
            WarnIfEmpty(completion);
            return completion;
        }
        catch (Exception ex) when (Scrubbed(ex) && telemetry.Failed(ex))
        {
            throw; // unreachable: Failed records the failure and returns false, so the exception flies on untouched
        }
    }

    /// <summary>Asks the model one question (a single user message) and waits for the whole answer.</summary>
    /// <param name="prompt">The question.</param>
    /// <param name="options">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="KimiException">The call failed; see <see cref="CompleteAsync(IEnumerable{KimiMessage}, ChatCompletionOptions?, CancellationToken)"/>.</exception>
    public virtual Task<ChatCompletion> CompleteAsync(string prompt, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        return CompleteAsync([KimiMessage.User(prompt)], options, cancellationToken);
    }

    /// <summary>
    /// Asks the model and streams the answer: reasoning deltas first, then text or tool-call fragments, then the finish
    /// reason and usage. Input is validated now; the request is sent when enumeration starts.
    /// </summary>
    /// <param name="messages">The conversation so far, oldest first.</param>
    /// <param name="options">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the stream at any point.</param>
    /// <returns>The stream; enumerate it once, then read <see cref="StreamingChatCompletion.Completion"/>.</returns>
    /// <exception cref="ArgumentException">The messages or options are invalid (nothing was sent).</exception>
    /// <exception cref="NotSupportedException">The provider cannot do what the options ask (nothing was sent).</exception>
    /// <exception cref="KimiApiException">During enumeration: the provider returned an error, or sent an error event mid-stream (with the partial result).</exception>
    /// <exception cref="KimiStreamIncompleteException">During enumeration: the stream was cut before it finished (with the partial result).</exception>
    /// <exception cref="KimiTimeoutException">During enumeration: no response, no first event, or a silent stream, within the resilience limits (with the partial result).</exception>
    public virtual StreamingChatCompletion StreamAsync(IEnumerable<KimiMessage> messages, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var snapshot = Snapshot(messages);
        var request = ChatRequest.Create(_settings, snapshot, options, stream: true, _logger);
        return new StreamingChatCompletion(this, request, snapshot, options, cancellationToken);
    }

    /// <summary>Asks the model one question (a single user message) and streams the answer.</summary>
    /// <param name="prompt">The question.</param>
    /// <param name="options">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The stream.</returns>
    public virtual StreamingChatCompletion StreamAsync(string prompt, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        return StreamAsync([KimiMessage.User(prompt)], options, cancellationToken);
    }

    /// <summary>Opens a client stream: the request goes out on the first <c>MoveNextAsync</c>.</summary>
    internal IAsyncEnumerator<ChatCompletionUpdate> OpenStream(ChatRequest request, KimiMessage[] messages, ChatCompletionOptions? options, StreamState state, CancellationToken cancellationToken) =>
        new ClientStream(this, request, messages, options, state, cancellationToken);

    // vLLM/SGLang quirk: a tool follow-up can end with nothing after the reasoning; say so instead of passing "" on silently.
    private void WarnIfEmpty(ChatCompletion completion)
    {
        if (completion.IsEmpty && completion.FinishReason != FinishReason.Length)
        {
            KimiLog.EmptyCompletion(_logger, _settings.Profile.DisplayName, completion.Reasoning?.Length ?? 0, completion.FinishReason?.Value);
        }
    }

    // Where exceptions leave the library: whatever built the message, it passes through this client's scrubber. Returns true.
    private bool Scrubbed(Exception exception)
    {
        if (exception is KimiException kimi)
        {
            kimi.Scrubber ??= _settings.Scrubber;
        }

        return true;
    }

    private static KimiMessage[] Snapshot(IEnumerable<KimiMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages as KimiMessage[] ?? messages.ToArray();
    }

    private static ClientSettings CreateSettings(KimiClientOptions options, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ClientSettings(options, timeProvider);
    }

    /// <summary>Describes the client without its API key.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() => _settings is null ? base.ToString()! : $"KimiClient({_settings.Profile.DisplayName}, {_settings.Model}, {_settings.LoggableEndpoint})";

    /// <summary>Releases the HTTP connection pool if this client created it.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the HTTP connection pool if this client created it.</summary>
    /// <param name="disposing">Whether this is a call to <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && _ownsHttpClient)
        {
            _http.Dispose();
        }
    }
}
