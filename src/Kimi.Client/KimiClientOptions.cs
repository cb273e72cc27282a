using System.ComponentModel.DataAnnotations;

namespace Kimi.Client;

/// <summary>Settings for a <see cref="KimiClient"/>: which provider, which key, which model, and call defaults.</summary>
/// <remarks>Bind from configuration (<c>"Kimi": { "Provider": "DeepInfra" }</c>) or set in code. <see cref="ToString"/> never shows the API key.</remarks>
public sealed class KimiClientOptions : IValidatableObject
{
    /// <summary>The host that serves Kimi. Default: <see cref="KimiProvider.Moonshot"/>.</summary>
    public KimiProvider Provider { get; set; } = KimiProvider.Moonshot;

    /// <summary>For <see cref="KimiProvider.SelfHosted"/>: the engine behind <see cref="Endpoint"/>. Default: vLLM.</summary>
    public SelfHostedEngine Engine { get; set; } = SelfHostedEngine.Vllm;

    /// <summary>
    /// The API key. When unset, read from the provider's environment variable (<c>MOONSHOT_API_KEY</c>,
    /// <c>DEEPINFRA_API_KEY</c>, <c>NVIDIA_API_KEY</c>, <c>KIMI_API_KEY</c> for self-hosted). Never logged or shown.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The base URL, ending before <c>/chat/completions</c> (for example <c>https://api.moonshot.cn/v1</c> or
    /// <c>http://gpu-box:8000/v1</c>). Any OpenAI-compatible URL works: <see cref="Provider"/> names the dialect it speaks.
    /// Default: the provider's public endpoint; required for <see cref="KimiProvider.SelfHosted"/>.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model id. Default: the provider's id for Kimi K2.6 (<c>kimi-k2.6</c>, <c>moonshotai/Kimi-K2.6</c>, <c>moonshotai/kimi-k2.6</c>).</summary>
    public string? Model { get; set; }

    /// <summary>Thinking on, off or preserved, unless a call says otherwise. Default: <see cref="ThinkingMode.Enabled"/>.</summary>
    public ThinkingMode Thinking { get; set; } = ThinkingMode.Enabled;

    /// <summary>Overrides how the thinking setting is written (for example DeepInfra with <see cref="ThinkingSwitch.ChatTemplateKwargs"/>).</summary>
    public ThinkingSwitch? ThinkingSwitch { get; set; }

    /// <summary>
    /// Allows <see cref="ThinkingMode.Preserved"/> on providers where preserved thinking is not confirmed to work
    /// (DeepInfra, NVIDIA). Without it such calls throw before sending.
    /// </summary>
    public bool AllowUnconfirmedPreserveThinking { get; set; }

    /// <summary>The default output-token cap, reasoning included, when a call sets none. Default: the provider's recommendation (16,000 on Moonshot).</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>
    /// Whether to send Kimi's recommended sampling (temperature 1.0 thinking / 0.6 instant, top_p 0.95) when a call sets
    /// none, on providers that do not pin it. Default: <see langword="true"/>.
    /// </summary>
    public bool UseRecommendedSampling { get; set; } = true;

    /// <summary>
    /// When a call forces a tool (<see cref="ToolChoice.Required"/> or a named function) on a provider that rejects that
    /// while thinking (Moonshot), turn thinking off for that call instead of throwing. Default: <see langword="false"/>.
    /// </summary>
    public bool DisableThinkingForForcedToolChoice { get; set; }

    /// <summary>Retries, timeouts and failover cooldowns (see <see cref="KimiResilienceOptions"/> for the defaults).</summary>
    public KimiResilienceOptions Resilience { get; set; } = new();

    /// <summary>Client-side rate limits (requests, tokens, concurrency per minute), shared per provider, base URL and key. Default: off.</summary>
    public KimiRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>What traces and logs may contain (message text is off by default); see <see cref="KimiTelemetry"/>.</summary>
    public KimiTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>Image and video rules: opt-ins for unconfirmed providers, Moonshot URL inlining, size limits (see <see cref="KimiMediaOptions"/>).</summary>
    public KimiMediaOptions Media { get; set; } = new();

    /// <summary>Providers to try, in order, when this one is rate limited, failing, slow or unreachable (before any output reached you).</summary>
    public IList<KimiFailoverTarget> Failover { get; } = new List<KimiFailoverTarget>();

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => Validate();

    internal IEnumerable<ValidationResult> Validate()
    {
        if (!Enum.IsDefined(Provider))
        {
            yield return new ValidationResult($"Kimi:Provider '{Provider}' is not one of Moonshot, DeepInfra, Nvidia, SelfHosted.", [nameof(Provider)]);
        }

        if (Enum.IsDefined(Provider) && Endpoint is null && Providers.ProviderProfile.For(Provider, Engine).DefaultEndpoint is null)
        {
            yield return new ValidationResult("Kimi:Endpoint is required for a self-hosted server, for example http://localhost:8000/v1.", [nameof(Endpoint)]);
        }

        if (Endpoint is { IsAbsoluteUri: false } || Endpoint is { IsAbsoluteUri: true } && Endpoint.Scheme is not ("http" or "https"))
        {
            yield return new ValidationResult($"Kimi:Endpoint must be an absolute http(s) URL such as https://api.moonshot.ai/v1; got '{Endpoint}'.", [nameof(Endpoint)]);
        }

        // "/chat/completions" is appended to the URL text: after a query or fragment it would end up inside them.
        if (Endpoint is { IsAbsoluteUri: true, Scheme: "http" or "https" } endpoint && (endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0))
        {
            yield return new ValidationResult("Kimi:Endpoint must be a base URL without a query string or fragment, such as https://api.moonshot.ai/v1.", [nameof(Endpoint)]);
        }

        if (Model is { } model && string.IsNullOrWhiteSpace(model))
        {
            yield return new ValidationResult("Kimi:Model is blank: remove it to use the provider's Kimi K2.6 id, or set a model id.", [nameof(Model)]);
        }

        if (MaxOutputTokens is < 1 or > 262_144)
        {
            yield return new ValidationResult($"Kimi:MaxOutputTokens must be between 1 and 262144 (Kimi K2.6's context window); got {MaxOutputTokens}.", [nameof(MaxOutputTokens)]);
        }

        foreach (var problem in (Resilience ?? new KimiResilienceOptions()).Validate())
        {
            yield return new ValidationResult(problem, [nameof(Resilience)]);
        }

        foreach (var problem in (RateLimit ?? new KimiRateLimitOptions()).Validate("Kimi:RateLimit"))
        {
            yield return new ValidationResult(problem, [nameof(RateLimit)]);
        }

        foreach (var problem in (Media ?? new KimiMediaOptions()).Validate())
        {
            yield return new ValidationResult(problem, [nameof(Media)]);
        }

        for (var i = 0; i < Failover.Count; i++)
        {
            var target = Failover[i];
            if (target is null || !Enum.IsDefined(target.Provider))
            {
                yield return new ValidationResult($"Kimi:Failover:{i}:Provider must be one of Moonshot, DeepInfra, Nvidia, SelfHosted.", [nameof(Failover)]);
            }
            else if (target.Endpoint is null && Providers.ProviderProfile.For(target.Provider, target.Engine).DefaultEndpoint is null)
            {
                yield return new ValidationResult($"Kimi:Failover:{i}:Endpoint is required for a self-hosted server.", [nameof(Failover)]);
            }
        }
    }

    /// <summary>Describes the settings without the API key.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        $"Provider={Provider}{(Provider == KimiProvider.SelfHosted ? $" ({Engine})" : string.Empty)}, Endpoint={Endpoint?.ToString() ?? "(default)"}, " +
        $"Model={Model ?? "(default)"}, Thinking={Thinking}, ApiKey={(string.IsNullOrEmpty(ApiKey) ? "(unset)" : "(set)")}";

    /// <summary>The options for a failover target: its provider, key, endpoint and model; everything else from these options.</summary>
    internal KimiClientOptions ForTarget(KimiFailoverTarget target) => new()
    {
        Provider = target.Provider,
        Engine = target.Engine,
        ApiKey = target.ApiKey,
        Endpoint = target.Endpoint,
        Model = target.Model,
        Thinking = Thinking,
        AllowUnconfirmedPreserveThinking = AllowUnconfirmedPreserveThinking,
        MaxOutputTokens = MaxOutputTokens,
        UseRecommendedSampling = UseRecommendedSampling,
        DisableThinkingForForcedToolChoice = DisableThinkingForForcedToolChoice,
        Resilience = Resilience,
        Media = Media,
        RateLimit = target.RateLimit ?? new KimiRateLimitOptions(),
    };

    internal KimiClientOptions Clone()
    {
        var clone = (KimiClientOptions)MemberwiseClone();
        clone.Resilience = (Resilience ?? new KimiResilienceOptions()).Clone();
        clone.Media = (Media ?? new KimiMediaOptions()).Clone();
        clone.Telemetry = (Telemetry ?? new KimiTelemetryOptions()).Clone();
        clone.RateLimit = (RateLimit ?? new KimiRateLimitOptions()).Clone();
        return clone; // Failover targets are read once, when the client is built
    }
}
