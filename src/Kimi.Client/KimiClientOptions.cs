using Kimi.Client.Http;
using System.ComponentModel.DataAnnotations;

namespace Kimi.Client;

/// <summary>Settings for a <see cref="KimiClient"/>: which host, which key, which model, and call defaults.</summary>
/// <remarks>
/// Bind from configuration (<c>"Kimi": { "Provider": "DeepInfra" }</c>, hosts of your own under <c>Kimi:Hosts</c>) with
/// <c>AddKimiClient</c>, or set in code. Everything is checked at once by <c>ValidateOnStart</c> (DI) or the client's
/// constructor, failover targets included. <see cref="ToString"/> never shows the API key.
/// </remarks>
public sealed class KimiClientOptions : IValidatableObject
{
    private KimiProvider _provider = KimiProvider.Moonshot;

    /// <summary>
    /// The host that serves Kimi: a built-in one (<see cref="KimiProvider.Moonshot"/>, <see cref="KimiProvider.DeepInfra"/>,
    /// <see cref="KimiProvider.Nvidia"/>, <see cref="KimiProvider.Vllm"/> …) or your own description. In configuration, its
    /// name (<c>"Provider": "Nvidia"</c>), a built-in one or one under <see cref="Hosts"/>. Default: <see cref="KimiProvider.Moonshot"/>.
    /// </summary>
    public KimiProvider Provider
    {
        get => _provider;
        set
        {
            _provider = value ?? throw new ArgumentNullException(nameof(value));
            ProviderName = null;
        }
    }

    /// <summary>Hosts described in configuration, by name (case-insensitive); pick one with <c>"Provider": "&lt;Name&gt;"</c>.</summary>
    public IDictionary<string, KimiHostOptions> Hosts { get; } = new Dictionary<string, KimiHostOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The API key. When unset, read from the host's environment variable (<see cref="KimiProvider.ApiKeyVariable"/>:
    /// <c>MOONSHOT_API_KEY</c>, <c>DEEPINFRA_API_KEY</c> …). Surrounding whitespace is trimmed. Never logged or shown.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The base URL, ending before <c>/chat/completions</c> (for example <c>http://gpu-box:8000/v1</c>). Default: the host's
    /// (<see cref="KimiProvider.Endpoint"/>); required for self-hosted servers.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model id. Default: the host's id for Kimi K2.6 (<see cref="KimiProvider.Model"/>).</summary>
    public string? Model { get; set; }

    /// <summary>
    /// Thinking on, off or preserved, unless a call says otherwise. Default: <see langword="null"/>, the host's default
    /// (Kimi K2.6 thinks), written the way the host's <see cref="KimiProvider.ThinkingSwitch"/> says.
    /// </summary>
    public ThinkingMode? Thinking { get; set; }

    /// <summary>
    /// Allows <see cref="ThinkingMode.Preserved"/> on hosts where preserved thinking is not confirmed to work
    /// (DeepInfra, NVIDIA). Without it such calls throw before sending.
    /// </summary>
    public bool AllowUnconfirmedPreserveThinking { get; set; }

    /// <summary>The default output-token cap, reasoning included, when a call sets none. Default: the host's (16,000 on Moonshot).</summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>
    /// Whether to send Kimi's recommended sampling (temperature 1.0 thinking / 0.6 instant, top_p 0.95) when a call sets
    /// none, on hosts that do not pin it. Default: <see langword="true"/>.
    /// </summary>
    public bool UseRecommendedSampling { get; set; } = true;

    /// <summary>
    /// When a call forces a tool (<see cref="ToolChoice.Required"/> or a named function) on a host that rejects that
    /// while thinking (Moonshot), turn thinking off for that call instead of throwing. Default: <see langword="false"/>.
    /// </summary>
    public bool DisableThinkingForForcedToolChoice { get; set; }

    /// <summary>
    /// Sends calls that force a tool (<see cref="ToolChoice.Required"/> or a named function) to hosts that ignore <c>tool_choice</c>
    /// (<see cref="KimiProvider.IgnoresToolChoice"/>: Ollama), leaving <c>tool_choice</c> out with a warning; the model may then
    /// answer without calling. Default: <see langword="false"/> (<see cref="NotSupportedException"/> before sending).
    /// </summary>
    public bool AllowIgnoredToolChoice { get; set; }

    /// <summary>
    /// Sends a forced <c>tool_choice</c> while thinking to hosts where that is unconfirmed
    /// (<see cref="KimiProvider.ForcedToolChoiceWhileThinkingConfirmed"/>: Cloudflare Workers AI). Default: <see langword="false"/>
    /// (<see cref="NotSupportedException"/> before sending).
    /// </summary>
    public bool AllowUnconfirmedForcedToolChoice { get; set; }

    /// <summary>
    /// Sends <see cref="ChatCompletionOptions.ReasoningEffort"/> to hosts that accept effort levels without a documented effect on
    /// Kimi K2.6 (<see cref="KimiProvider.ReasoningEffortConfirmed"/>: Ollama, Cloudflare Workers AI). Default: <see langword="false"/>
    /// (<see cref="NotSupportedException"/> before sending).
    /// </summary>
    public bool AllowUnconfirmedReasoningEffort { get; set; }

    /// <summary>
    /// On a 401 from a host with another region (Moonshot's two platforms), send one <c>GET /models</c> with the same key to
    /// the other region and say in the error whether the key works there. Off by default: it sends the key to a second
    /// host. The failed call itself is never re-sent.
    /// </summary>
    public bool ProbeOtherRegionOn401 { get; set; }

    /// <summary>
    /// Keep the fields of each streamed chunk that the SDK does not read (<c>system_fingerprint</c>, <c>logprobs</c>, a host's
    /// extras) in <see cref="ChatCompletionUpdate.AdditionalProperties"/>, and their union in the streamed
    /// <see cref="ChatCompletion.AdditionalProperties"/>. Off by default: keeping them costs allocations on every chunk.
    /// A non-streamed answer always keeps them.
    /// </summary>
    public bool IncludeUnknownStreamFields { get; set; }

    /// <summary>Retries, timeouts and failover cooldowns (see <see cref="KimiResilienceOptions"/> for the defaults).</summary>
    public KimiResilienceOptions Resilience { get; set; } = new();

    /// <summary>How much of a response the client will hold (largest body, largest stream event); see <see cref="KimiLimitOptions"/>.</summary>
    public KimiLimitOptions Limits { get; set; } = new();

    /// <summary>Client-side rate limits (requests, tokens, concurrency per minute), shared per host, base URL and key. Default: off.</summary>
    public KimiRateLimitOptions RateLimit { get; set; } = new();

    /// <summary>What traces and logs may contain (message text is off by default); see <see cref="KimiTelemetry"/>.</summary>
    public KimiTelemetryOptions Telemetry { get; set; } = new();

    /// <summary>Image and video rules: opt-ins for unconfirmed hosts, Moonshot URL inlining, size limits (see <see cref="KimiMediaOptions"/>).</summary>
    public KimiMediaOptions Media { get; set; } = new();

    /// <summary>Hosts to try, in order, when this one is rate limited, failing, slow or unreachable (before any output reached you).</summary>
    public IList<KimiFailoverTarget> Failover { get; } = new List<KimiFailoverTarget>();

    /// <summary>The host's name as configuration gave it, resolved against <see cref="Hosts"/> and the built-in hosts when validated.</summary>
    internal string? ProviderName { get; set; }

    /// <summary>Values configuration gave that could not be read (reported by validation with their paths).</summary>
    internal List<string> BindingProblems { get; } = [];

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        Validate().Select(static problem => new ValidationResult(problem));

    /// <summary>Every problem with the effective configuration, failover targets included, worded with its configuration path.</summary>
    internal List<string> Validate()
    {
        var problems = new List<string>(BindingProblems);
        var provider = ResolveProvider(ProviderName, "Kimi:Provider", problems);
        if (provider is not null)
        {
            problems.AddRange(provider.Validate());
            ValidateTarget(provider, Endpoint, Model, ApiKey, "Kimi", HostPath(ProviderName), problems);
            if (MaxOutputTokens is { } max && (max < 1 || max > provider.ContextWindow ||
                provider is { MaxOutputTokensLimitIsHard: true, MaxOutputTokensLimit: { } limit } && max > limit))
            {
                var top = provider is { MaxOutputTokensLimitIsHard: true, MaxOutputTokensLimit: { } hard } ? Math.Min(hard, provider.ContextWindow) : provider.ContextWindow;
                problems.Add($"Kimi:MaxOutputTokens must be between 1 and {top} on {provider.DisplayName}; got {max}.");
            }

            foreach (var problem in (RateLimit ?? new KimiRateLimitOptions()).Validate("Kimi:RateLimit", provider))
            {
                problems.Add(problem);
            }
        }

        if (Thinking is { } thinking && !Enum.IsDefined(thinking))
        {
            problems.Add($"Kimi:Thinking '{thinking}' is not one of Enabled, Disabled, Preserved.");
        }

        problems.AddRange((Resilience ?? new KimiResilienceOptions()).Validate());
        problems.AddRange((Media ?? new KimiMediaOptions()).Validate());
        problems.AddRange((Limits ?? new KimiLimitOptions()).Validate());

        for (var i = 0; i < Failover.Count; i++)
        {
            var path = $"Kimi:Failover:{i}";
            if (Failover[i] is not { } target)
            {
                problems.Add($"{path} is empty: set its Provider.");
                continue;
            }

            var targetProvider = ResolveProvider(target.ProviderName, $"{path}:Provider", problems, target.Provider);
            if (targetProvider is null)
            {
                continue;
            }

            problems.AddRange(targetProvider.Validate());
            ValidateTarget(targetProvider, target.Endpoint, target.Model, target.ApiKey, path, HostPath(target.ProviderName), problems);
            if (target.RateLimit is { } limits)
            {
                problems.AddRange(limits.Validate($"{path}:RateLimit", targetProvider));
            }
        }

        return problems;
    }

    /// <summary>The host to call, resolved; throws with every problem when the configuration is not valid.</summary>
    internal KimiProvider ResolveProvider()
    {
        var problems = new List<string>();
        return ResolveProvider(ProviderName, "Kimi:Provider", problems) ?? throw new ArgumentException(string.Join(" ", problems));
    }

    /// <summary>The host a failover target names, resolved against these options' <see cref="Hosts"/>.</summary>
    internal KimiProvider ResolveProvider(KimiFailoverTarget target)
    {
        var problems = new List<string>();
        return ResolveProvider(target.ProviderName, "Kimi:Failover:Provider", problems, target.Provider) ?? throw new ArgumentException(string.Join(" ", problems));
    }

    private KimiProvider? ResolveProvider(string? name, string path, List<string> problems, KimiProvider? fallback = null) =>
        name is null ? fallback ?? Provider : ResolveName(name, path, problems, depth: 0);

    private KimiProvider? ResolveName(string name, string path, List<string> problems, int depth)
    {
        if (Hosts.TryGetValue(name.Trim(), out var host) && host is not null)
        {
            name = Hosts.Keys.First(key => string.Equals(key, name.Trim(), StringComparison.OrdinalIgnoreCase)); // as the section spells it
            var hostPath = $"Kimi:Hosts:{name}";
            if (KimiProvider.TryGetBuiltIn(name, out var builtIn) && !host.Override)
            {
                problems.Add($"{hostPath} has the name of the built-in host {builtIn.Name}: rename it, or set {hostPath}:Override to true to replace the built-in one.");
                return null;
            }

            if (string.IsNullOrWhiteSpace(host.BasedOn))
            {
                problems.Add($"{hostPath}:BasedOn is required: name the built-in host it derives from ({string.Join(", ", KimiProvider.BuiltIn.Select(static p => p.Name))}).");
                return null;
            }

            if (depth > 8)
            {
                problems.Add($"{hostPath}:BasedOn goes round in a circle; base it on a built-in host.");
                return null;
            }

            var basis = string.Equals(host.BasedOn.Trim(), name.Trim(), StringComparison.OrdinalIgnoreCase) && KimiProvider.TryGetBuiltIn(name, out var same)
                ? same // an Override entry derives from the built-in it replaces
                : ResolveName(host.BasedOn, $"{hostPath}:BasedOn", problems, depth + 1);
            return basis is null ? null : host.Build(name.Trim(), basis, hostPath, problems);
        }

        if (KimiProvider.TryGetBuiltIn(name, out var provider))
        {
            return provider;
        }

        problems.Add($"{path} '{name}' is not a known host. {KimiProvider.KnownNamesSentence(Hosts.Keys)}");
        return null;
    }

    /// <summary>"Kimi:Hosts:Acme" when the name picks a host described under <see cref="Hosts"/>, else <see langword="null"/>.</summary>
    private string? HostPath(string? name) =>
        name is null ? null : Hosts.Keys.FirstOrDefault(key => string.Equals(key, name.Trim(), StringComparison.OrdinalIgnoreCase)) is { } key ? $"Kimi:Hosts:{key}" : null;

    private static void ValidateTarget(KimiProvider provider, Uri? endpoint, string? model, string? apiKey, string path, string? hostPath, List<string> problems)
    {
        if (endpoint is null && provider.EndpointTemplate is not null && provider.Endpoint is null)
        {
            problems.AddRange(provider.AccountProblems(hostPath ?? path + ":Provider")); // the URL is built from the account id
        }
        else if (endpoint is null && provider.Endpoint is null)
        {
            problems.Add(hostPath is null
                ? $"{path}:Endpoint is required for {provider.DisplayName}: set the server's base URL, for example http://localhost:8000/v1."
                : $"{hostPath}:Endpoint is required: {provider.DisplayName} is based on a host without a public endpoint; set the server's base URL (or {path}:Endpoint).");
        }

        if (endpoint is not null)
        {
            var example = provider.Endpoint?.ToString() ?? "http://localhost:8000/v1";
            if (!endpoint.IsAbsoluteUri || endpoint.Scheme is not ("http" or "https"))
            {
                problems.Add($"{path}:Endpoint must be an absolute http(s) URL such as {example}; got '{Errors.SecretScrubber.ScrubUri(endpoint, apiKey)}'.");
            }
            else if (!KimiProvider.IsHttpBaseUrl(endpoint))
            {
                // "/chat/completions" is appended to the URL text: after a query or fragment it would end up inside them.
                problems.Add($"{path}:Endpoint must be a base URL without a query string or fragment, such as {example}.");
            }
            else if (endpoint.AbsolutePath.TrimEnd('/').EndsWith("/chat/completions", StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{path}:Endpoint ends with /chat/completions: give the base URL before it (for example {endpoint.GetLeftPart(UriPartial.Authority)}{endpoint.AbsolutePath.TrimEnd('/')[..^"/chat/completions".Length]}).");
            }
            else if (provider.OtherRegionEndpoint is { } other && string.Equals(endpoint.Host, other.Host, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"{path}:Endpoint is on {other.Host}, which belongs to another region of {provider.DisplayName} than the chosen host ({provider.Endpoint?.Host}); keys do not carry over. Pick the host of that region as Provider, or remove Endpoint.");
            }
        }

        if (model is not null && string.IsNullOrWhiteSpace(model))
        {
            problems.Add($"{path}:Model is blank: remove it to use the host's Kimi K2.6 id ({provider.Model}), or set a model id.");
        }
        else
        {
            try
            {
                _ = provider.ResolveModel(model ?? provider.Model, out _);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"{path}:Model: {ex.Message.Split(" (Parameter", 2)[0]}");
            }
        }

        var (key, keyProblem) = ApiKeys.Resolve(apiKey, provider);
        if (keyProblem is not null)
        {
            problems.Add($"{path}:ApiKey {keyProblem}");
        }
        else if (key is null && provider.RequiresApiKey)
        {
            problems.Add(provider.ApiKeyVariable is { } variable
                ? $"{path}:ApiKey is required for {provider.DisplayName}: set KimiClientOptions.ApiKey (for example from user secrets) or the {variable} environment variable."
                : $"{path}:ApiKey is required for {provider.DisplayName}: set KimiClientOptions.ApiKey (for example from user secrets).");
        }
    }

    /// <summary>Describes the settings without the API key, with any secret written into the endpoint removed.</summary>
    /// <returns>A description safe to log.</returns>
    public override string ToString() =>
        $"Provider={ProviderName ?? Provider.Name}, Endpoint={(Endpoint is null ? "(default)" : Errors.SecretScrubber.ScrubUri(Endpoint, ApiKey))}, " +
        $"Model={Model ?? "(default)"}, Thinking={Thinking?.ToString() ?? "(default)"}, ApiKey={(string.IsNullOrEmpty(ApiKey) ? "(unset)" : "(set)")}";

    /// <summary>The options for a failover target: its host, key, endpoint and model; everything else from these options.</summary>
    internal KimiClientOptions ForTarget(KimiFailoverTarget target) => new()
    {
        Provider = ResolveProvider(target),
        ApiKey = target.ApiKey,
        Endpoint = target.Endpoint,
        Model = target.Model,
        Thinking = Thinking,
        AllowUnconfirmedPreserveThinking = AllowUnconfirmedPreserveThinking,
        MaxOutputTokens = MaxOutputTokens,
        UseRecommendedSampling = UseRecommendedSampling,
        DisableThinkingForForcedToolChoice = DisableThinkingForForcedToolChoice,
        AllowIgnoredToolChoice = AllowIgnoredToolChoice,
        AllowUnconfirmedForcedToolChoice = AllowUnconfirmedForcedToolChoice,
        AllowUnconfirmedReasoningEffort = AllowUnconfirmedReasoningEffort,
        ProbeOtherRegionOn401 = ProbeOtherRegionOn401,
        IncludeUnknownStreamFields = IncludeUnknownStreamFields,
        Resilience = Resilience,
        Media = Media,
        Limits = Limits,
        Telemetry = Telemetry,
        RateLimit = TargetRateLimit(target),
    };

    // The target's own limits; where the limits are kept is the primary's unless the target names its own limiter.
    private KimiRateLimitOptions TargetRateLimit(KimiFailoverTarget target)
    {
        var limits = target.RateLimit?.Clone() ?? new KimiRateLimitOptions();
        limits.Limiter ??= RateLimit?.Limiter;
        return limits;
    }

    internal KimiClientOptions Clone()
    {
        var clone = (KimiClientOptions)MemberwiseClone();
        clone.Resilience = (Resilience ?? new KimiResilienceOptions()).Clone();
        clone.Media = (Media ?? new KimiMediaOptions()).Clone();
        clone.Limits = (Limits ?? new KimiLimitOptions()).Clone();
        clone.Telemetry = (Telemetry ?? new KimiTelemetryOptions()).Clone();
        clone.RateLimit = (RateLimit ?? new KimiRateLimitOptions()).Clone();
        return clone; // Hosts and Failover targets are read once, when the client is built
    }
}
