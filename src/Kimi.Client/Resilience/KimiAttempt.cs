using System.Net;

namespace Kimi.Client;

/// <summary>One try of a call: which provider, what it answered, how long it took, and what happened next.</summary>
/// <param name="Provider">The provider tried.</param>
/// <param name="Endpoint">Its base URL, with any credential written into it removed.</param>
/// <param name="Status">The HTTP status, or <see langword="null"/> when no response arrived (connection failure, timeout).</param>
/// <param name="Duration">From sending to the response headers (or the failure).</param>
/// <param name="Outcome">What happened, for example <c>ok</c>, <c>retried after 2 s (429)</c>, <c>failed over (503)</c>, <c>connection failed</c>.</param>
public sealed record KimiAttempt(KimiProvider Provider, string Endpoint, HttpStatusCode? Status, TimeSpan Duration, string Outcome)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Provider} {(Status is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response")} in {Duration.TotalMilliseconds:0} ms: {Outcome}";
}
