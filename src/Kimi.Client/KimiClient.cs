using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
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
public class KimiClient : IDisposable
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");
    private static readonly ProductInfoHeaderValue UserAgent = new("Kimi.Client", typeof(KimiClient).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly HttpClient _http = null!;
    private readonly bool _ownsHttpClient;
    private readonly ClientSettings _settings = null!;
    private readonly ILogger _logger = NullLogger.Instance;

    /// <summary>For mocking only: creates a client whose members must all be overridden.</summary>
    protected KimiClient()
    {
    }

    /// <summary>Creates a client that owns its HTTP connection pool. Dispose it when done (or share one for the app's lifetime).</summary>
    /// <param name="options">Provider, key, endpoint, model and defaults.</param>
    /// <param name="loggerFactory">Where warnings (pinned sampling dropped, reasoning placeholders) are logged.</param>
    /// <exception cref="ArgumentException">The options are invalid or the provider needs a key and none was found.</exception>
    public KimiClient(KimiClientOptions options, ILoggerFactory? loggerFactory = null)
        : this(KimiHttp.CreateOwnedHttpClient(), options, loggerFactory, ownsHttpClient: true)
    {
    }

    /// <summary>
    /// Creates a client over an <see cref="HttpClient"/> you own (for example from <c>IHttpClientFactory</c>). You own its
    /// handlers, retries and lifetime; set its <see cref="HttpClient.Timeout"/> to infinite for long thinking calls.
    /// </summary>
    /// <param name="httpClient">The client to send requests with; its <see cref="HttpClient.BaseAddress"/> is not used.</param>
    /// <param name="options">Provider, key, endpoint, model and defaults.</param>
    /// <param name="loggerFactory">Where warnings are logged.</param>
    /// <exception cref="ArgumentException">The options are invalid or the provider needs a key and none was found.</exception>
    public KimiClient(HttpClient httpClient, KimiClientOptions options, ILoggerFactory? loggerFactory = null)
        : this(httpClient, options, loggerFactory, ownsHttpClient: false)
    {
    }

    private KimiClient(HttpClient httpClient, KimiClientOptions options, ILoggerFactory? loggerFactory, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        try
        {
            _settings = new ClientSettings(options);
        }
        catch when (ownsHttpClient)
        {
            httpClient.Dispose();
            throw;
        }

        _http = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _logger = loggerFactory?.CreateLogger<KimiClient>() ?? NullLogger<KimiClient>.Instance;
    }

    internal KimiClient(HttpClient httpClient, ClientSettings settings, ILoggerFactory? loggerFactory)
    {
        _http = httpClient;
        _settings = settings;
        _logger = loggerFactory?.CreateLogger<KimiClient>() ?? NullLogger<KimiClient>.Instance;
    }

    /// <summary>The provider this client calls.</summary>
    public virtual KimiProvider Provider => _settings.Profile.Provider;

    /// <summary>The model id sent with every call.</summary>
    public virtual string Model => _settings.Model;

    /// <summary>The base URL calls go to (before <c>/chat/completions</c>).</summary>
    public virtual Uri Endpoint => _settings.Endpoint;

    internal ClientSettings Settings => _settings;

    /// <summary>Asks the model and waits for the whole answer.</summary>
    /// <param name="messages">The conversation so far, oldest first.</param>
    /// <param name="options">Settings for this call; <see langword="null"/> for the client's defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer, with reasoning, tool calls, usage and the request id.</returns>
    /// <exception cref="ArgumentException">The messages or options are invalid (nothing was sent).</exception>
    /// <exception cref="NotSupportedException">The provider cannot do what the options ask (nothing was sent); the message says the way out.</exception>
    /// <exception cref="KimiApiException">The provider returned an error; subclasses tell auth, rate limit, bad request, context length and server errors apart.</exception>
    /// <exception cref="KimiResponseFormatException">The response was not valid chat-completions JSON.</exception>
    public virtual async Task<ChatCompletion> CompleteAsync(IEnumerable<KimiMessage> messages, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = ChatRequest.Create(_settings, messages, options, stream: false, _logger);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var info = CreateInfo(response);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var parser = new ChunkParser(info, _settings.Origin);
        var parsed = parser.ParseResponse(body);
        switch (parsed.Kind)
        {
            case ParsedKind.Update:
                var accumulator = new ChatCompletionAccumulator();
                accumulator.Append(parsed.Update!);
                return accumulator.ToCompletion();
            case ParsedKind.Error:
                throw KimiErrorFactory.Create(_settings.Profile, KimiErrorFactory.StatusForStreamError(parsed.Error!), parsed.Error!, info.RequestId, null, _settings.Scrubber);
            default:
                throw new KimiResponseFormatException(
                    $"{_settings.Profile.DisplayName} answered {(int)response.StatusCode} with a body that is not a chat completion: {_settings.Scrubber.Scrub(parsed.Problem)}. Check KimiClientOptions.Endpoint points at an OpenAI-compatible /v1 base URL.",
                    Provider, info.RequestId);
        }
    }

    /// <summary>Asks the model one question (a single user message) and waits for the whole answer.</summary>
    /// <param name="prompt">The question.</param>
    /// <param name="options">Settings for this call.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="KimiApiException">The provider returned an error.</exception>
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
    public virtual StreamingChatCompletion StreamAsync(IEnumerable<KimiMessage> messages, ChatCompletionOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = ChatRequest.Create(_settings, messages, options, stream: true, _logger);
        return new StreamingChatCompletion((state, ct) => StreamCoreAsync(request, state, ct), cancellationToken);
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

    private async IAsyncEnumerable<ChatCompletionUpdate> StreamCoreAsync(ChatRequest request, StreamState state, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        await foreach (var update in SseChatReader.ReadAsync(response, CreateInfo(response), _settings, state, _logger, cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, _settings.ChatCompletionsUri) { Content = new ChatRequestContent(request) };
        if (_settings.ApiKey is { } key)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        message.Headers.Accept.Add(request.Stream ? AcceptEventStream : AcceptJson);
        message.Headers.UserAgent.Add(UserAgent);

        var started = Stopwatch.GetTimestamp();
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var requestId = ReadRequestId(response);
        KimiLog.ResponseReceived(_logger, _settings.ChatCompletionsUri, _settings.Profile.Dialect, _settings.Model, request.Stream,
            (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, requestId);

        if (response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Accepted)
        {
            return response;
        }

        using (response)
        {
            var exception = await CreateErrorAsync(response, requestId, cancellationToken).ConfigureAwait(false);
            KimiLog.CallFailed(_logger, _settings.Profile.DisplayName, (int)response.StatusCode, exception.Error.ToString(), requestId);
            throw exception;
        }
    }

    private async Task<KimiApiException> CreateErrorAsync(HttpResponseMessage response, string? requestId, CancellationToken cancellationToken)
    {
        var body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var error = ProviderErrorParser.Parse(body);
        var retryAfter = RetryAfter.FromHeaders(response.Headers, DateTimeOffset.UtcNow);
        return KimiErrorFactory.Create(_settings.Profile, response.StatusCode, error, requestId, retryAfter, _settings.Scrubber);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxErrorBodyBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
        }

        return buffer.AsSpan(0, total).ToArray();
    }

    private KimiResponseInfo CreateInfo(HttpResponseMessage response) => new(response.StatusCode, response.Headers, ReadRequestId(response));

    private string? ReadRequestId(HttpResponseMessage response)
    {
        foreach (var header in _settings.Profile.RequestIdHeaders)
        {
            if (response.Headers.TryGetValues(header, out var values))
            {
                foreach (var value in values)
                {
                    if (!string.IsNullOrWhiteSpace(value))
                    {
                        return value;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>Describes the client without its API key.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() => _settings is null ? base.ToString()! : $"KimiClient({_settings.Profile.DisplayName}, {_settings.Model}, {_settings.Endpoint})";

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
