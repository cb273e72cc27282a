using System.Net;
using Kimi.Client.Serialization;

namespace Kimi.Client.Http;

/// <summary>
/// What one HTTP try produced: the response (headers read) and, for an error, its body read and parsed once, with the
/// retry verdict. A whole JSON answer (non-streamed, or a server that ignored <c>"stream":true</c>) is read and parsed by the
/// try too, so a 2xx whose body is an error is classified, and retried, like that error's status. It travels from the
/// try through the retry policy to the transport, so nothing reads or parses a body twice. Disposing it releases the
/// response (the retry policy does so for a retried try). A struct: the usual call's one try makes no object for it.
/// </summary>
internal readonly struct AttemptResult(HttpResponseMessage response, KimiResponseInfo info) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;

    public KimiResponseInfo Info { get; } = info;

    /// <summary>The HTTP status, or for an error in a 2xx body the status that error stands for.</summary>
    public HttpStatusCode Status => ErrorStatus ?? Response.StatusCode;

    /// <summary>Whether this is a chat answer to read (2xx other than NVIDIA's 202 "queued", and not an error body).</summary>
    public bool IsSuccess => Error is null && IsAnswer(Response);

    /// <summary>For an error in a 2xx body (OpenRouter, Cloudflare, old vLLM): the status it stands for.</summary>
    public HttpStatusCode? ErrorStatus { get; init; }

    /// <summary>For a whole JSON answer: the body, parsed (the try read it). <see langword="null"/> for an event stream, still unread.</summary>
    public ParsedEvent? Parsed { get; init; }

    /// <summary>For a whole JSON answer whose body could not be read (stalled, too large, connection lost): why; the reader reports it.</summary>
    public Exception? BodyFailure { get; init; }

    /// <summary>For an error status: the provider's error, already scrubbed of secrets.</summary>
    public KimiProviderError? Error { get; init; }

    /// <summary>For an error status: how long the provider asked us to wait (header, else a hint in its body).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For an error status: whether another try could succeed, and why (the policy still checks the budget).</summary>
    public ErrorVerdict Verdict { get; init; }

    /// <summary>Whether a response's status says it carries a chat answer (2xx other than NVIDIA's 202 "queued"); its body may still hold an error.</summary>
    public static bool IsAnswer(HttpResponseMessage response) => response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Accepted;

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
