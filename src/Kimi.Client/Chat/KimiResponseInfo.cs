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
        RequestId = requestId;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The response headers (rate-limit headers and the like).</summary>
    public HttpResponseHeaders Headers { get; }

    /// <summary>The provider's request id (<c>x-request-id</c>, <c>x-trace-id</c> or <c>NVCF-REQID</c>): quote it to support.</summary>
    public string? RequestId { get; }

    /// <summary>The completion id a header carried (<see cref="KimiProvider.CompletionIdHeaders"/>), used when the body has none.</summary>
    internal string? CompletionId { get; init; }
}
