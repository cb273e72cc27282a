using System.Net;
using System.Net.Http.Headers;

namespace Kimi.Client;

/// <summary>What the HTTP response said besides the body: status, headers and the provider's request id.</summary>
public sealed class KimiResponseInfo
{
    /// <summary>Creates a response record. Prefer <see cref="KimiModelFactory.ResponseInfo"/> in tests.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="requestId">The provider's request id, if any header carried one.</param>
    public KimiResponseInfo(HttpStatusCode statusCode, HttpResponseHeaders headers, string? requestId)
    {
        StatusCode = statusCode;
        Headers = headers ?? throw new ArgumentNullException(nameof(headers));
        _requestId = requestId;
        _idsRead = true;
    }

    // The ids are read from the headers when first asked for: most answers that succeed are never asked, and the lookup
    // (each header name parsed, the store searched, the value scrubbed) is a visible part of a short call.
    internal KimiResponseInfo(HttpStatusCode statusCode, HttpResponseHeaders headers, Http.ResponseIdReader ids)
    {
        StatusCode = statusCode;
        Headers = headers;
        _ids = ids;
    }

    [System.Diagnostics.DebuggerBrowsable(System.Diagnostics.DebuggerBrowsableState.Never)]
    private readonly Http.ResponseIdReader? _ids;
    private string? _requestId;
    private string? _completionId;
    private volatile bool _idsRead;

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The response headers (rate-limit headers and the like).</summary>
    public HttpResponseHeaders Headers { get; }

    /// <summary>
    /// The provider's request id (<c>x-request-id</c>, <c>x-trace-id</c> or <c>NVCF-REQID</c>): quote it to support. Read from
    /// <see cref="Headers"/> (and scrubbed of secrets) when first asked for.
    /// </summary>
    public string? RequestId
    {
        get
        {
            ReadIds();
            return _requestId;
        }
    }

    /// <summary>The completion id a header carried (<see cref="KimiProvider.CompletionIdHeaders"/>), used when the body has none.</summary>
    internal string? CompletionId
    {
        get
        {
            ReadIds();
            return _completionId;
        }
    }

    // Readers on several threads may each read the headers once; they find the same values.
    private void ReadIds()
    {
        if (!_idsRead)
        {
            (_requestId, _completionId) = _ids!.Read(Headers);
            _idsRead = true;
        }
    }
}
