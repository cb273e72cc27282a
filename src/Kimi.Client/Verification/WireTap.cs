namespace Kimi.Client.Verification;

/// <summary>
/// A handler under the probes' clients that keeps a copy of what the host sent (status, headers, the body bytes as the SDK
/// reads them), so a probe can see what the SDK normalizes away: which field carried reasoning, where usage was, whether a
/// stream ended with <c>[DONE]</c>. Request headers and bodies are not kept.
/// </summary>
internal sealed class WireTap(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private readonly List<WireExchange> _exchanges = [];

    public int Count
    {
        get
        {
            lock (_exchanges)
            {
                return _exchanges.Count;
            }
        }
    }

    public IReadOnlyList<WireExchange> All
    {
        get
        {
            lock (_exchanges)
            {
                return _exchanges.ToArray();
            }
        }
    }

    /// <summary>The exchanges recorded since <paramref name="mark"/> (a <see cref="Count"/> taken before a call).</summary>
    public IReadOnlyList<WireExchange> Since(int mark)
    {
        lock (_exchanges)
        {
            return _exchanges.Skip(mark).ToArray();
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        }

        var exchange = new WireExchange(request.Method.Method, request.RequestUri?.AbsolutePath ?? string.Empty, response.StatusCode, headers, response.Content.Headers.ContentType?.MediaType);
        lock (_exchanges)
        {
            _exchanges.Add(exchange);
        }

        var original = response.Content;
        var stream = await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var copy = new StreamContent(new TeeStream(stream, exchange));
        foreach (var (name, values) in original.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        response.Content = copy;
        return response;
    }

    /// <summary>Passes reads through and copies what was read into the exchange.</summary>
    private sealed class TeeStream(Stream inner, WireExchange exchange) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            exchange.Append(buffer.AsSpan(offset, read));
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            exchange.Append(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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
            }

            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
