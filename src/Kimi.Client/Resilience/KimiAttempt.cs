using System.Globalization;
using System.Net;

namespace Kimi.Client;

/// <summary>One try of a call: which host, what it answered, how long it took, and what happened next.</summary>
public sealed class KimiAttempt
{
    /// <summary>Creates an attempt record. Prefer <see cref="KimiModelFactory.Attempt"/> in tests.</summary>
    /// <param name="provider">The host tried.</param>
    /// <param name="endpoint">Its base URL, with any credential written into it removed.</param>
    /// <param name="status">The HTTP status, or <see langword="null"/> when no response arrived.</param>
    /// <param name="duration">From sending to the response headers (or the failure).</param>
    /// <param name="outcome">What became of the try.</param>
    /// <param name="detail">A short description, for example <c>HTTP 429; retrying after 2 s (Retry-After)</c>.</param>
    public KimiAttempt(KimiProvider provider, string endpoint, HttpStatusCode? status, TimeSpan duration, KimiAttemptOutcome outcome, string detail)
    {
        Provider = provider ?? throw new ArgumentNullException(nameof(provider));
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        Status = status;
        Duration = duration;
        Outcome = outcome;
        Detail = detail ?? string.Empty;
    }

    /// <summary>The host tried.</summary>
    public KimiProvider Provider { get; }

    /// <summary>Its base URL, with any credential written into it removed.</summary>
    public string Endpoint { get; }

    /// <summary>The HTTP status, or <see langword="null"/> when no response arrived (connection failure, timeout, not sent).</summary>
    public HttpStatusCode? Status { get; }

    /// <summary>From sending to the response headers (or the failure).</summary>
    public TimeSpan Duration { get; }

    /// <summary>What became of the try.</summary>
    public KimiAttemptOutcome Outcome { get; }

    /// <summary>A short description of what happened, safe to log.</summary>
    public string Detail { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Provider} {(Status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "no response")} in {Duration.TotalMilliseconds:0} ms: {Outcome}{(Detail.Length == 0 ? string.Empty : " (" + Detail + ")")}";
}
