using System.Net;

namespace Kimi.Client.Verification;

/// <summary>What one probe call produced: the SDK's completion or exception, and the exchanges the wire carried.</summary>
internal sealed class ProbeOutcome
{
    public ChatCompletion? Completion { get; init; }

    public Exception? Failure { get; init; }

    public IReadOnlyList<WireExchange> Exchanges { get; init; } = [];

    /// <summary>For a stream: when each update arrived, from the request's start.</summary>
    public TimeSpan? FirstContent { get; init; }

    public TimeSpan? FirstReasoning { get; init; }

    public TimeSpan? FirstDelta { get; init; }

    public TimeSpan? LastDelta { get; init; }

    public bool Succeeded => Completion is not null && Failure is null;

    /// <summary>The host's status for a failed call, when it answered with one.</summary>
    public HttpStatusCode? Status => (Failure as KimiApiException)?.Status;

    /// <summary>
    /// Whether the host answered the request itself with a 4xx: a refusal the probe may own. 401/403/429, 5xx, timeouts and
    /// connection failures are not: they are <see cref="KimiVerdict.Error"/>s.
    /// </summary>
    public bool IsRefusal => Failure is KimiApiException { IsStreamError: false } api && (int)api.Status is >= 400 and < 500 and not (401 or 403 or 408 or 429);

    /// <summary>The last exchange of the call (the answer after retries), or <see langword="null"/>.</summary>
    public WireExchange? Final => Exchanges.Count == 0 ? null : Exchanges[^1];

    /// <summary>A short description of the failure for a report, scrubbed by the SDK.</summary>
    public string Describe() => Failure switch
    {
        null => "ok",
        KimiApiException api => $"{(int)api.Status} {api.Error.Message ?? api.Error.Type ?? "(no message)"}",
        KimiTimeoutException => "timed out",
        KimiConnectionException => "connection failed",
        KimiException kimi => kimi.Message,
        _ => Failure.GetType().Name + ": " + Failure.Message,
    };
}
