namespace Kimi.Client;

/// <summary>A provider to fail over to when the primary is rate limited, failing, slow or unreachable.</summary>
/// <remarks>Thinking and call defaults come from the primary <see cref="KimiClientOptions"/>; the model id is the target provider's own.</remarks>
public sealed class KimiFailoverTarget
{
    /// <summary>The provider.</summary>
    public KimiProvider Provider { get; set; }

    /// <summary>For <see cref="KimiProvider.SelfHosted"/>: the engine.</summary>
    public SelfHostedEngine Engine { get; set; }

    /// <summary>The API key; when unset, read from the provider's environment variable.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The base URL; default: the provider's public endpoint.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model id; default: the provider's id for Kimi K2.6.</summary>
    public string? Model { get; set; }

    /// <summary>Client-side rate limits for this provider (for example <see cref="KimiRateLimitTier.NvidiaFree"/>). Default: off.</summary>
    public KimiRateLimitOptions? RateLimit { get; set; }

    /// <summary>Describes the target without its API key.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() => $"{Provider} {Endpoint?.ToString() ?? "(default endpoint)"} {Model ?? "(default model)"}";
}
