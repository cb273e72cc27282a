using System.Collections.Concurrent;
using System.Text;
using Kimi.Client.Testing.Dialects;
using Kimi.Client.Testing.Processing;
using Kimi.Client.Testing.Transport;

namespace Kimi.Client.Testing;

/// <summary>
/// An offline Kimi K2.6 provider: serves <c>POST {base}/chat/completions</c> in one provider's dialect (Moonshot, DeepInfra,
/// NVIDIA, vLLM, SGLang, Ollama or Cloudflare Workers AI), enforces that provider's documented quirks (media rules included),
/// and records every request.
/// The Moonshot dialect also serves the files API (<c>{base}/files</c>: upload, list, get, delete) for <c>ms://</c> references,
/// the token count and the balance; every dialect serves <c>GET {base}/models</c>. The fixed prompts of <c>kimi verify</c> get
/// a cooperative model's answers, and <see cref="KimiEmulatorOptions.Deviations"/> makes the emulator misbehave on purpose.
/// </summary>
/// <remarks>
/// <para>Use it in memory through <see cref="CreateHandler"/>, or over HTTP on a loopback port after <see cref="StartAsync"/>.</para>
/// <para>
/// A request that the provider would accept gets, in order: the next <see cref="Enqueue">enqueued</see> reply, else the
/// <see cref="Responder"/>'s reply, else a deterministic default that echoes the last user message. A request the provider
/// would reject (wrong path or key, unknown model, a broken quirk) gets the provider's error and consumes no reply.
/// </para>
/// <para>All members are thread-safe.</para>
/// </remarks>
public sealed class KimiEmulator : IAsyncDisposable
{
    private const string InMemoryRoot = "http://kimi-emulator.local";

    private readonly ChatCompletionsEndpoint _endpoint;
    private readonly EmulatedFiles _files = new();
    private readonly FilesEndpoint _filesEndpoint;
    private readonly PlatformEndpoint _platformEndpoint;
    private readonly ConcurrentQueue<EmulatorReply> _replies = new();
    private readonly List<EmulatorRequest> _requests = [];
    private readonly CancellationTokenSource _disposal = new();
    private readonly CancellationToken _disposalToken;
    private readonly SemaphoreSlim _hostGate = new(1, 1);
    private KestrelEmulatorHost? _host;
    private Uri _baseAddress;
    private int _disposed;
    private int _received;
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>Initializes a new emulator.</summary>
    /// <param name="options">The settings; <see langword="null"/> emulates Moonshot with default settings.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The provider or engine is not a defined value, <see cref="KimiEmulatorOptions.ContextWindow"/> is not positive, or
    /// <see cref="KimiEmulatorOptions.ChunkDelay"/> is negative.
    /// </exception>
    public KimiEmulator(KimiEmulatorOptions? options = null)
    {
        Options = options ?? new KimiEmulatorOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.ContextWindow, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.ChunkDelay, TimeSpan.Zero, nameof(options));
        EmulatorDialect dialect = EmulatorDialect.Create(Options.Provider ?? throw new ArgumentException("KimiEmulatorOptions.Provider is null.", nameof(options)));
        if (Options.AcceptedModels.Count == 0)
        {
            Options.AcceptedModels.Add(Options.Provider.Model);
        }

        _endpoint = new ChatCompletionsEndpoint(dialect, Options, _files);
        _filesEndpoint = new FilesEndpoint(dialect, Options, _files);
        _platformEndpoint = new PlatformEndpoint(dialect, Options);
        _disposalToken = _disposal.Token;
        _baseAddress = new Uri(InMemoryRoot + dialect.BasePath);
    }

    /// <summary>Gets the settings; see <see cref="KimiEmulatorOptions"/> for which ones may change later.</summary>
    public KimiEmulatorOptions Options { get; }

    /// <summary>
    /// Gets the dialect's base URL, without a trailing slash: <c>http://kimi-emulator.local/v1</c> (DeepInfra
    /// <c>…/v1/openai</c>) in memory, and the loopback one, such as <c>http://127.0.0.1:41234/v1</c>, once
    /// <see cref="StartAsync"/> has run. The in-memory handler accepts either.
    /// </summary>
    public Uri BaseAddress => Volatile.Read(ref _baseAddress);

    /// <summary>Gets a snapshot of every request received (the most recent <see cref="KimiEmulatorOptions.MaxRecordedRequests"/> when set), in arrival order, including rejected ones.</summary>
    public IReadOnlyList<EmulatorRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>
    /// Gets how many requests the emulator is serving right now: each from its arrival until the last byte of its answer is
    /// written (a stream until its last event), in memory or over HTTP.
    /// </summary>
    public int RequestsInFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// Gets the most requests the emulator has served at once since it was created: the concurrency a provider would have seen
    /// (to check a client-side limit such as <see cref="KimiRateLimitOptions.MaxConcurrentRequests"/> from the server's side).
    /// </summary>
    public int MaxRequestsInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Gets a snapshot of the files uploaded to <c>{base}/files</c> and not deleted, by id (Moonshot dialect only).</summary>
    public IReadOnlyList<EmulatorFile> Files => _files.All;

    /// <summary>Gets or sets the function that answers a request when no enqueued reply is left; returning <see langword="null"/> sends the default reply.</summary>
    /// <remarks>It runs on the request's thread, possibly concurrently. An exception it throws reaches the in-memory caller, or becomes a 500 over HTTP.</remarks>
    public Func<EmulatorRequest, EmulatorReply?>? Responder { get; set; }

    /// <summary>Gets a token cancelled by <see cref="DisposeAsync"/>; cached, so it stays readable after disposal.</summary>
    internal CancellationToken DisposalToken => _disposalToken;

    /// <summary>Adds a scripted reply; replies are used in the order they were enqueued, one per accepted request.</summary>
    /// <param name="reply">The reply.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reply"/> is <see langword="null"/>.</exception>
    public void Enqueue(EmulatorReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _replies.Enqueue(reply);
    }

    /// <summary>Creates an in-memory transport for an <see cref="HttpClient"/>; streamed replies arrive event by event, honouring <see cref="KimiEmulatorOptions.ChunkDelay"/>.</summary>
    /// <returns>A new handler that serves this emulator; disposing it does not dispose the emulator.</returns>
    /// <exception cref="ObjectDisposedException">The emulator was disposed.</exception>
    public HttpMessageHandler CreateHandler()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return new InMemoryEmulatorHandler(this);
    }

    /// <summary>Starts serving over HTTP on <c>127.0.0.1</c> with a free port; calling it again returns the same address.</summary>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The loopback base URL, such as <c>http://127.0.0.1:41234/v1</c>, also available as <see cref="BaseAddress"/>.</returns>
    /// <exception cref="ObjectDisposedException">The emulator was disposed.</exception>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _hostGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_host is null)
            {
                _host = await KestrelEmulatorHost.StartAsync(this, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _baseAddress, new Uri(_host.Root, _endpoint.Dialect.BasePath));
            }

            return BaseAddress;
        }
        finally
        {
            _hostGate.Release();
        }
    }

    /// <summary>Stops the loopback server, if started, and ends streams in flight.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _disposal.CancelAsync().ConfigureAwait(false);
        await _hostGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_host is not null)
            {
                await _host.DisposeAsync().ConfigureAwait(false);
                _host = null;
            }
        }
        finally
        {
            _hostGate.Release();
        }

        _disposal.Dispose();
    }

    /// <summary>A transport started serving a request (counted until <see cref="EndServing"/>).</summary>
    internal void BeginServing()
    {
        int now = Interlocked.Increment(ref _inFlight);
        for (int max = Volatile.Read(ref _maxInFlight); now > max; max = Volatile.Read(ref _maxInFlight))
        {
            if (Interlocked.CompareExchange(ref _maxInFlight, now, max) == max)
            {
                break;
            }
        }
    }

    /// <summary>A transport wrote the last byte of a request's answer (or gave up on it).</summary>
    internal void EndServing() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Records a request and answers it; the transports only move bytes.</summary>
    internal EmulatorResponse Process(string method, string path, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var request = new EmulatorRequest(method, path, headers, Encoding.UTF8.GetString(body));
        int sequence;
        lock (_requests)
        {
            _requests.Add(request);
            sequence = ++_received;
            if (Options.MaxRecordedRequests is int keep && _requests.Count > Math.Max(0, keep))
            {
                _requests.RemoveRange(0, _requests.Count - Math.Max(0, keep));
            }
        }

        return _filesEndpoint.Serves(path) ? _filesEndpoint.Handle(method, path, headers, body)
            : _platformEndpoint.Serves(path) ? _platformEndpoint.Handle(method, path, headers, body, sequence)
            : _endpoint.Handle(request, sequence, NextReply);
    }

    private EmulatorReply? NextReply(EmulatorRequest request) =>
        _replies.TryDequeue(out EmulatorReply? reply) ? reply : Responder?.Invoke(request);
}
