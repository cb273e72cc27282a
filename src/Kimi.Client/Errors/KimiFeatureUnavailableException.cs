using System.Net;

namespace Kimi.Client;

/// <summary>
/// A platform call (<see cref="KimiPlatformClient"/>) whose availability on the host was unknown was tried, and the host
/// answered 404 or 405: it has no such endpoint. Calls documented as absent fail before sending with <see cref="NotSupportedException"/> instead.
/// </summary>
/// <param name="message">What was tried and what to do instead.</param>
/// <param name="provider">The host that was called.</param>
/// <param name="status">The HTTP status (404 or 405).</param>
/// <param name="error">The host's error body, as parsed.</param>
/// <param name="feature">The call that is unavailable, for example <c>GetModelsAsync</c>.</param>
/// <param name="requestId">The host's request id, if known.</param>
public class KimiFeatureUnavailableException(string message, KimiProvider provider, HttpStatusCode status, KimiProviderError error, string feature, string? requestId = null)
    : KimiApiException(message, provider, status, error, requestId)
{
    /// <summary>The call the host does not have (<c>GetModelsAsync</c>, <c>EstimateTokensAsync</c>, <c>GetBalanceAsync</c>).</summary>
    public string Feature { get; } = feature ?? throw new ArgumentNullException(nameof(feature));
}
