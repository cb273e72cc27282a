namespace Kimi.Client.Providers;

/// <summary>
/// Everything that differs between providers, as data. The core request and stream paths read these fields and never
/// branch on the provider itself. One static instance per dialect lives in its own file beside this one.
/// </summary>
internal sealed class ProviderProfile
{
    /// <summary>The provider this dialect belongs to.</summary>
    public required KimiProvider Provider { get; init; }

    /// <summary>Short dialect id used in logs and <see cref="ReasoningOrigin"/> (<c>moonshot</c>, <c>vllm</c>, …).</summary>
    public required string Dialect { get; init; }

    /// <summary>Human name for messages (<c>Moonshot</c>, <c>self-hosted vLLM</c>).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Public base URL, or <see langword="null"/> when the caller must give one.</summary>
    public Uri? DefaultEndpoint { get; init; }

    /// <summary>Kimi K2.6's model id on this provider.</summary>
    public required string DefaultModel { get; init; }

    /// <summary>Environment variable that holds the key.</summary>
    public required string ApiKeyEnvironmentVariable { get; init; }

    /// <summary>Whether a call without a key is a caller error (hosted providers) or normal (self-hosted servers).</summary>
    public bool RequiresApiKey { get; init; } = true;

    /// <summary>How the thinking setting is written by default.</summary>
    public required ThinkingSwitch ThinkingSwitch { get; init; }

    /// <summary>Whether preserved thinking is documented to work; when not, it needs the caller's explicit opt-in.</summary>
    public bool PreserveThinkingConfirmed { get; init; }

    /// <summary>Model ids on which this provider rejects preserved thinking (Moonshot: <c>keep</c> is a 400 on kimi-k2.5).</summary>
    public IReadOnlyList<string> PreserveThinkingRejectedModels { get; init; } = [];

    /// <summary>JSON field for the output-token cap.</summary>
    public required string MaxTokensField { get; init; }

    /// <summary>Documented upper bound of the output-token cap, if any.</summary>
    public int? MaxOutputTokensLimit { get; init; }

    /// <summary>Whether going over <see cref="MaxOutputTokensLimit"/> is rejected by the provider (throw) or unconfirmed (warn).</summary>
    public bool MaxOutputTokensLimitIsHard { get; init; }

    /// <summary>Output cap sent when neither the call nor the client sets one (the provider's own default may be too low for thinking).</summary>
    public int? DefaultMaxOutputTokens { get; init; }

    /// <summary>Whether temperature, top_p and penalties are fixed server-side and must be omitted.</summary>
    public bool SamplingIsPinned { get; init; }

    /// <summary>Whether Kimi's recommended sampling is sent when the caller sets none.</summary>
    public bool SendsRecommendedSampling { get; init; }

    /// <summary>Field names under which assistant reasoning is written back.</summary>
    public required IReadOnlyList<string> ReasoningWriteFields { get; init; }

    /// <summary>Whether an assistant tool-call turn must carry reasoning while thinking is on (Moonshot's 400 otherwise).</summary>
    public bool RequiresReasoningOnToolCallTurns { get; init; }

    /// <summary>Roles whose content must be a plain string, never a part list (NVIDIA: system and assistant).</summary>
    public IReadOnlyList<MessageRole> StringOnlyContentRoles { get; init; } = [];

    /// <summary>Whether streaming requests send <c>stream_options.include_usage</c> (DeepInfra reports usage without it).</summary>
    public bool SendsStreamIncludeUsage { get; init; } = true;

    /// <summary>Response headers that may carry the request id, in order of preference.</summary>
    public required IReadOnlyList<string> RequestIdHeaders { get; init; }

    /// <summary>Whether <c>tool_choice</c> required/named is rejected while thinking (Moonshot).</summary>
    public bool RejectsForcedToolChoiceWhileThinking { get; init; }

    /// <summary>Whether every nested tool-schema property needs a <c>type</c> (Moonshot rejects untyped ones).</summary>
    public bool RequiresTypedToolSchemaProperties { get; init; }

    /// <summary>Whether a top-level <c>$schema</c> keyword must be stripped from <c>json_schema</c> response formats.</summary>
    public bool StripsSchemaKeyword { get; init; }

    /// <summary>Which image and video parts are taken, from which sources, in which media types (conformance 11).</summary>
    public required MediaCapabilities Media { get; init; }

    /// <summary>Extra advice appended to authentication errors (Moonshot: its two platforms' keys differ).</summary>
    public string AuthenticationHint { get; init; } = string.Empty;

    /// <summary>Published price per million tokens, if the provider has one (seeds; overridable per agent).</summary>
    public KimiPricing? DefaultPricing { get; init; }

    /// <summary>Lower-cased message fragments that mean "context length exceeded" in this provider's errors.</summary>
    public IReadOnlyList<string> ContextLengthMarkers { get; init; } = CommonContextLengthMarkers;

    /// <summary>Reads a retry hint from an error message when no header gives one (Moonshot's "try again after N seconds").</summary>
    public Func<string, TimeSpan?>? RetryAfterHint { get; init; }

    /// <summary>Context-overflow phrases seen across Moonshot, DeepInfra and vLLM errors (conformance 30).</summary>
    public static IReadOnlyList<string> CommonContextLengthMarkers { get; } =
    [
        "exceeded model token limit",
        "maximum context length",
        "context_length_exceeded",
        "input token length too long",
        "requested input length",
        "context length",
    ];

    /// <summary>The profile for a provider and, for self-hosted servers, its engine.</summary>
    public static ProviderProfile For(KimiProvider provider, SelfHostedEngine engine) => provider switch
    {
        KimiProvider.Moonshot => MoonshotProfile.Instance,
        KimiProvider.DeepInfra => DeepInfraProfile.Instance,
        KimiProvider.Nvidia => NvidiaProfile.Instance,
        KimiProvider.SelfHosted => engine == SelfHostedEngine.SGLang ? SGLangProfile.Instance : VllmProfile.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Use Moonshot, DeepInfra, Nvidia or SelfHosted."),
    };
}
