using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Agents.Swarm;

/// <summary>The scripted swarm on the emulator, tools that record every execution by run and call id, and clients that count sockets and responses in flight.</summary>
internal sealed class SwarmHarness : IAsyncDisposable
{
    public static readonly string[] ToolNames = ["search_code", "read_file"];

    private int _toolsInFlight;

    public SwarmHarness(EmulatorSwarmScript script, TimeSpan chunkDelay = default)
    {
        Script = script;
        Emulator = new KimiEmulator(new KimiEmulatorOptions { ChunkDelay = chunkDelay, MaxRecordedRequests = 16 }) { Responder = script.Reply };
    }

    public EmulatorSwarmScript Script { get; }

    public KimiEmulator Emulator { get; }

    /// <summary>Every tool execution: (run id, tool call id) → times run.</summary>
    public ConcurrentDictionary<(string RunId, string CallId), int> Executions { get; } = new();

    public int ToolsInFlight => Volatile.Read(ref _toolsInFlight);

    /// <summary>Sockets opened and not yet closed (loopback clients only).</summary>
    public int OpenSockets => Volatile.Read(ref _openSockets);

    /// <summary>Responses sent and not yet disposed by the client.</summary>
    public int ResponsesInFlight => Volatile.Read(ref _responsesInFlight);

    /// <summary>Requests being sent at once, at most, as seen below the client's rate limiter.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxConcurrent);

    private int _openSockets;
    private int _responsesInFlight;
    private int _concurrent;
    private int _maxConcurrent;

    public AIFunction[] Tools() => [.. ToolNames.Select(name => AIFunctionFactory.Create(
        async (string query, CancellationToken cancellationToken) =>
        {
            var context = KimiAgentToolContext.Current ?? throw new InvalidOperationException("A tool ran outside an agent's tool call.");
            Executions.AddOrUpdate((context.RunId, context.ToolCall.Id), 1, (_, n) => n + 1);
            Interlocked.Increment(ref _toolsInFlight);
            try
            {
                await Task.Yield();
                return $"{name}: nothing unusual for '{query}'.";
            }
            finally
            {
                Interlocked.Decrement(ref _toolsInFlight);
            }
        },
        name,
        $"The {name} tool."))];

    /// <summary>A client over loopback Kestrel whose sockets and responses are counted.</summary>
    public async Task<KimiClient> LoopbackClientAsync(Action<KimiClientOptions>? configure = null, TimeSpan? idleTimeout = null)
    {
        await Emulator.StartAsync(TestContext.Current.CancellationToken);
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = idleTimeout ?? TimeSpan.FromMinutes(1),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                Interlocked.Increment(ref _openSockets);
                return new CountedStream(socket, () => Interlocked.Decrement(ref _openSockets));
            },
        };
        return new KimiClient(new HttpClient(new CountingHandler(this, sockets)), Options(configure));
    }

    /// <summary>A client that reaches the emulator in memory (no sockets).</summary>
    public KimiClient InMemoryClient(Action<KimiClientOptions>? configure = null) => new(new HttpClient(new CountingHandler(this, Emulator.CreateHandler())), Options(configure));

    public static KimiMessage[] Conversation() => [KimiMessage.System("You are the orchestrator of a swarm. Split the work with delegate_tasks."), KimiMessage.User("Check every part of the parser.")];

    public ValueTask DisposeAsync() => Emulator.DisposeAsync();

    private KimiClientOptions Options(Action<KimiClientOptions>? configure)
    {
        var options = new KimiClientOptions { Provider = KimiProvider.Moonshot, Endpoint = Emulator.BaseAddress, ApiKey = TestClients.ApiKey };
        configure?.Invoke(options);
        return options;
    }

    private sealed class CountingHandler(SwarmHarness harness, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref harness._concurrent);
            var max = Volatile.Read(ref harness._maxConcurrent);
            while (now > max && Interlocked.CompareExchange(ref harness._maxConcurrent, now, max) != max)
            {
                max = Volatile.Read(ref harness._maxConcurrent);
            }

            Interlocked.Increment(ref harness._responsesInFlight);
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                response.Content = new TrackedContent(response.Content, () =>
                {
                    Interlocked.Decrement(ref harness._responsesInFlight);
                    Interlocked.Decrement(ref harness._concurrent);
                });
                return response;
            }
            catch
            {
                Interlocked.Decrement(ref harness._responsesInFlight);
                Interlocked.Decrement(ref harness._concurrent);
                throw;
            }
        }
    }

    /// <summary>Passes the body through; runs <paramref name="onDone"/> once, when the body was read to its end or the response disposed.</summary>
    private sealed class TrackedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly Action _onDone;
        private int _done;

        public TrackedContent(HttpContent inner, Action onDone)
        {
            _inner = inner;
            _onDone = onDone;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream);

        protected override async Task<Stream> CreateContentReadStreamAsync() => new EndStream(await _inner.ReadAsStreamAsync(), Done);

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => new EndStream(await _inner.ReadAsStreamAsync(cancellationToken), Done);

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                Done();
            }

            base.Dispose(disposing);
        }

        private void Done()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                _onDone();
            }
        }
    }

    /// <summary>A read stream that reports its end (a read of 0 bytes) or its disposal.</summary>
    private sealed class EndStream(Stream inner, Action onEnd) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Ended(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => Ended(await inner.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Ended(await inner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                onEnd();
            }

            base.Dispose(disposing);
        }

        private int Ended(int read)
        {
            if (read == 0)
            {
                onEnd();
            }

            return read;
        }
    }

    private sealed class CountedStream(Socket socket, Action onClosed) : NetworkStream(socket, ownsSocket: true)
    {
        private int _closed;

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                onClosed();
            }

            base.Dispose(disposing);
        }
    }
}
