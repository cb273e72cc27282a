namespace Kimi.Client;

/// <summary>A host to fail over to when the primary is rate limited, failing, slow or unreachable.</summary>
/// <remarks>Thinking and call defaults come from the primary <see cref="KimiClientOptions"/>; the model id is the target host's own.</remarks>
public sealed class KimiFailoverTarget
{
    private KimiProvider _provider = KimiProvider.Moonshot;

    /// <summary>The host. In configuration, its name (<c>"Provider": "DeepInfra"</c>), a built-in one or one under <c>Kimi:Hosts</c>.</summary>
    public KimiProvider Provider
    {
        get => _provider;
        set
        {
            _provider = value ?? throw new ArgumentNullException(nameof(value));
            ProviderName = null;
        }
    }

    /// <summary>The API key; when unset, read from the host's environment variable.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The base URL; default: the host's public endpoint.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model id; default: the host's id for Kimi K2.6.</summary>
    public string? Model { get; set; }

    /// <summary>Client-side rate limits for this host (for example <c>Tier = "Free"</c> on NVIDIA). Default: off.</summary>
    public KimiRateLimitOptions? RateLimit { get; set; }

    /// <summary>The host's name as configuration gave it, resolved against the primary options' hosts when validated.</summary>
    internal string? ProviderName { get; set; }

    /// <summary>Describes the target without its API key or any credential written into its endpoint.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        $"{ProviderName ?? Provider.Name} {(Endpoint is null ? "(default endpoint)" : Errors.SecretScrubber.ScrubUri(Endpoint, ApiKey))} {Model ?? "(default model)"}";
}
