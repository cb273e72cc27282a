using System.Text.Json;
using Kimi.Client.Errors;
using Kimi.Client.Serialization;

namespace Kimi.Client.Http;

/// <summary>A client's resolved settings: host profile, endpoint, model and key, fixed at construction.</summary>
internal sealed class ClientSettings
{
    public ClientSettings(KimiClientOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Time = time ?? TimeProvider.System;
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        Profile = options.ResolveProvider();
        Options = options.Clone();
        Options.Provider = Profile; // the clone names the resolved host, not the configured name
        Endpoint = options.Endpoint ?? Profile.ResolveEndpoint()!; // validated: one of them is set (or built from the account id)
        ChatCompletionsUri = new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/chat/completions");
        Model = Profile.ResolveModel(options.Model ?? Profile.Model, out var modelWarning); // validated: the host serves it as written or rewritten
        ModelWarning = modelWarning;
        ModelJson = JsonEncodedText.Encode(Model, ChatRequestWriter.WriterOptions.Encoder);
        MaxTokensFieldJson = JsonEncodedText.Encode(Profile.MaxTokensField, ChatRequestWriter.WriterOptions.Encoder);
        ApiKey = ApiKeys.Resolve(options.ApiKey, Profile).Key;
        Scrubber = new SecretScrubber(ApiKey, Endpoint);
        LoggableEndpoint = Scrubber.ScrubEndpoint(Endpoint);
        LoggableChatCompletionsUri = Scrubber.ScrubEndpoint(ChatCompletionsUri);
        RateTier = options.RateLimit?.Tier is { } tier ? Profile.RateTiers.First(t => string.Equals(t.Name, tier.Trim(), StringComparison.OrdinalIgnoreCase)) : null;
    }

    public KimiClientOptions Options { get; }

    /// <summary>The clock for timeouts, backoff, Retry-After dates and cooldowns.</summary>
    public TimeProvider Time { get; }

    public KimiProvider Profile { get; }

    public Uri Endpoint { get; }

    public Uri ChatCompletionsUri { get; }

    public string Model { get; }

    /// <summary><see cref="Model"/> encoded once for the request body: every request writes it.</summary>
    public JsonEncodedText ModelJson { get; }

    /// <summary>The host's token-limit field (<see cref="KimiProvider.MaxTokensField"/>) encoded once for the request body.</summary>
    public JsonEncodedText MaxTokensFieldJson { get; }

    /// <summary>What the host's rules say about the model id (retired, aliased), logged once when a client is built; or <see langword="null"/>.</summary>
    public string? ModelWarning { get; }

    public string? ApiKey { get; }

    /// <summary>The <c>Authorization</c> header's value (<c>Bearer</c> and the key), made once: it is the same on every request.</summary>
    public string? AuthorizationHeader => ApiKey is null ? null : _authorizationHeader ??= "Bearer " + ApiKey;

    private string? _authorizationHeader;

    public SecretScrubber Scrubber { get; }

    /// <summary>The base URL with credentials written into it removed, for messages, attempts and logs.</summary>
    public string LoggableEndpoint { get; }

    /// <summary>The chat URL with credentials written into it removed, for logs.</summary>
    public string LoggableChatCompletionsUri { get; }

    /// <summary>The rate tier named by <see cref="KimiRateLimitOptions.Tier"/>, resolved against the host's tiers.</summary>
    public KimiRateLimitTier? RateTier { get; }

    public ReasoningOrigin Origin => field ??= new ReasoningOrigin(Profile.Dialect, Model);

    /// <summary>This host then the failover targets, in order; built once and shared by every client using these settings.</summary>
    public ClientSettings[] Targets => field ??= [this, .. Options.Failover.Select(target => new ClientSettings(Options.ForTarget(target), Time))];

    /// <summary>
    /// The client-side rate limiter of this host and key, or <see langword="null"/> when off: the options' own
    /// (<see cref="KimiRateLimitOptions.Limiter"/>) or the in-process one, held here so that clients resolved per request from
    /// DI (which share these settings) share one limiter for as long as the settings live.
    /// </summary>
    public KimiRateLimiter? RateLimiter => _rateLimiterResolved ? _rateLimiter : ResolveRateLimiter();

    /// <summary>What the limiter is asked about: this host, base URL and key hash, with the resolved limits; <see langword="null"/> when off.</summary>
    public KimiRateLimitPartition? RateLimitPartition => field ??= Options.RateLimit is { IsEnabled: true } limits ? Partition(limits) : null;

    private KimiRateLimiter? _rateLimiter;
    private bool _rateLimiterResolved;

    private KimiRateLimiter? ResolveRateLimiter()
    {
        _rateLimiter = Options.RateLimit is { IsEnabled: true, Limiter: { } own } ? own : RateLimiting.ProviderRateLimiter.For(this);
        _rateLimiterResolved = true;
        return _rateLimiter;
    }

    private KimiRateLimitPartition Partition(KimiRateLimitOptions limits)
    {
        var (rpm, tpm, concurrency) = limits.Resolve(RateTier);
        return new(Profile.Name, LoggableEndpoint.TrimEnd('/'), RateLimiting.ProviderRateLimiter.KeyHash(ApiKey), rpm, tpm, concurrency);
    }

    /// <summary>The retry policy for this client's calls, built once and shared by every client using these settings.</summary>
    public Polly.ResiliencePipeline<AttemptResult> RetryPipeline => field ??= Resilience.KimiResiliencePipeline.Create(Options.Resilience, Time);

    /// <summary>How this host's responses name their ids (<see cref="ResponseIdReader"/>): made once, held by every response info of this host.</summary>
    public ResponseIdReader ResponseIds => field ??= new ResponseIdReader(Profile.RequestIdHeaders, Profile.CompletionIdHeaders, Scrubber);

    /// <summary>Per target, the timestamp until which it is skipped after a failure; shared so cooldowns outlive one client.</summary>
    public long[] CoolingUntil => field ??= new long[Targets.Length];
}
