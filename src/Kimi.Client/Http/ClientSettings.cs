using Kimi.Client.Errors;
using Kimi.Client.Providers;

namespace Kimi.Client.Http;

/// <summary>A client's resolved settings: profile, endpoint, model and key, fixed at construction.</summary>
internal sealed class ClientSettings
{
    public ClientSettings(KimiClientOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Time = time ?? TimeProvider.System;
        var validation = options.Validate().FirstOrDefault();
        if (validation is not null)
        {
            throw new ArgumentException(validation.ErrorMessage, nameof(options));
        }

        Options = options.Clone();
        Profile = ProviderProfile.For(options.Provider, options.Engine);
        Endpoint = options.Endpoint ?? Profile.DefaultEndpoint
            ?? throw new ArgumentException($"Set KimiClientOptions.Endpoint to your {Profile.DisplayName} server, for example http://localhost:8000/v1.", nameof(options));
        var baseText = Endpoint.AbsoluteUri.TrimEnd('/');
        ChatCompletionsUri = new Uri(baseText + "/chat/completions");
        Model = options.Model ?? Profile.DefaultModel;
        ApiKey = string.IsNullOrWhiteSpace(options.ApiKey) ? Environment.GetEnvironmentVariable(Profile.ApiKeyEnvironmentVariable) : options.ApiKey;
        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            ApiKey = null;
            if (Profile.RequiresApiKey)
            {
                throw new ArgumentException(
                    $"{Profile.DisplayName} needs an API key: set KimiClientOptions.ApiKey or the {Profile.ApiKeyEnvironmentVariable} environment variable.",
                    nameof(options));
            }
        }

        if (options.MaxOutputTokens is { } max && Profile.MaxOutputTokensLimitIsHard && Profile.MaxOutputTokensLimit is { } limit && max > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(options), max, $"{Profile.DisplayName} accepts MaxOutputTokens from 1 to {limit}; KimiClientOptions.MaxOutputTokens is {max}. Lower it to {limit} or less.");
        }

        Scrubber = new SecretScrubber(ApiKey);
        ThinkingSwitch = options.ThinkingSwitch ?? Profile.ThinkingSwitch;
    }

    public KimiClientOptions Options { get; }

    /// <summary>The clock for timeouts, backoff, Retry-After dates and cooldowns.</summary>
    public TimeProvider Time { get; }

    public ProviderProfile Profile { get; }

    public Uri Endpoint { get; }

    public Uri ChatCompletionsUri { get; }

    public string Model { get; }

    public string? ApiKey { get; }

    public SecretScrubber Scrubber { get; }

    public ThinkingSwitch ThinkingSwitch { get; }

    /// <summary>The chat URL with any key a caller put into it scrubbed, for logs.</summary>
    public string LoggableChatCompletionsUri => field ??= Scrubber.Scrub(ChatCompletionsUri.ToString());

    public ReasoningOrigin Origin => field ??= new ReasoningOrigin(Profile.Dialect, Model);

    /// <summary>This provider then the failover targets, in order; built once and shared by every client using these settings.</summary>
    public ClientSettings[] Targets => field ??= [this, .. Options.Failover.Select(target => new ClientSettings(Options.ForTarget(target), Time))];

    /// <summary>Per target, the timestamp until which it is skipped after a failure; shared so cooldowns outlive one client.</summary>
    public long[] CoolingUntil => field ??= new long[Targets.Length];
}
