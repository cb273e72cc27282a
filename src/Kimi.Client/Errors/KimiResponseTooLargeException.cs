namespace Kimi.Client;

/// <summary>
/// The response, or one stream event, was larger than <see cref="KimiClientOptions.Limits"/> allows; the client stopped
/// reading at the limit. A stream's <see cref="KimiException.PartialCompletion"/> holds what arrived before.
/// </summary>
/// <param name="message">Which limit, and the option that raises it.</param>
/// <param name="provider">The host that was called.</param>
/// <param name="limit">The limit, in bytes.</param>
/// <param name="requestId">The host's request id, if known.</param>
/// <param name="partialCompletion">What a stream had delivered, if anything.</param>
public class KimiResponseTooLargeException(string message, KimiProvider provider, long limit, string? requestId = null, ChatCompletion? partialCompletion = null)
    : KimiException(message, provider, requestId, partialCompletion)
{
    /// <summary>The limit that was reached, in bytes.</summary>
    public long Limit { get; } = limit;
}
