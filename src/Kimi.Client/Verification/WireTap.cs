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
    private sealed class TeeStream(Stream inner, WireExchange exchange) : Streaming.ObservedReadStream(inner)
    {
        protected override void OnRead(ReadOnlySpan<byte> data) => exchange.Append(data);
    }
}
