using System.Net;

namespace Kimi.Client.Http;

/// <summary>
/// What one HTTP try produced: the response (headers read, body unread) and, for an error status, its body read and
/// parsed once, with the retry verdict. It travels from the try through the retry policy to the transport, so nothing
/// reads or parses the error twice. Disposing it releases the response (the retry policy does so for a retried try).
/// </summary>
internal sealed class AttemptResult(HttpResponseMessage response, KimiResponseInfo info) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    public KimiResponseInfo Info { get; } = info;

    public HttpStatusCode Status => Response.StatusCode;

    /// <summary>Whether this is a chat answer to read (2xx other than NVIDIA's 202 "queued").</summary>
    public bool IsSuccess => Response.IsSuccessStatusCode && Response.StatusCode != HttpStatusCode.Accepted;

    /// <summary>For an error status: the provider's error, already scrubbed of secrets.</summary>
    public KimiProviderError? Error { get; init; }

    /// <summary>For an error status: how long the provider asked us to wait (header, else a hint in its body).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For an error status: whether another try could succeed, and why (the policy still checks the budget).</summary>
    public ErrorVerdict Verdict { get; init; }

    public void Dispose() => Response.Dispose();
}

/// <summary>Whether an error answer is worth another try.</summary>
internal enum ErrorVerdict
{
    /// <summary>Never retried: the request itself is wrong (auth, bad input, context length, quota).</summary>
    Final,

    /// <summary>Temporary (408, 429, 5xx): retried within the budget, and a reason to fail over.</summary>
    Retryable,

    /// <summary>Temporary, but the provider asks for a wait longer than the cap: not retried here, failed over if possible.</summary>
    WaitTooLong,
}
