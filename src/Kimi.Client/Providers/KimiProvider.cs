using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Kimi.Client;

/// <summary>
/// A host that serves Kimi K2.6, described as data: where it is, which model id and key it takes, and every way its
/// OpenAI-compatible dialect differs (thinking switch, reasoning fields, token field and limits, sampling rules, content
/// shapes, media, request-id headers, error hints, rate tiers, context window, prices).
/// </summary>
/// <remarks>
/// <para>
/// The built-in hosts are static instances (<see cref="Moonshot"/>, <see cref="DeepInfra"/>, <see cref="Nvidia"/>,
/// <see cref="Vllm"/>, <see cref="SGLang"/>, <see cref="KTransformers"/>, <see cref="OpenRouter"/> …; all of them in <see cref="BuiltIn"/>). Describe your own host by deriving
/// from the closest one with <c>with</c>, for example
/// <c>KimiProvider.Vllm with { Name = "Acme", Endpoint = new("https://llm.acme.internal/v1"), ApiKeyVariable = "ACME_KEY" }</c>,
/// or in configuration under <c>Kimi:Hosts</c> (see <see cref="KimiHostOptions"/>).
/// </para>
/// <para>Instances are immutable and thread-safe. Names compare case-insensitively.</para>
/// </remarks>
[TypeConverter(typeof(KimiProviderTypeConverter))]
public partial record KimiProvider
{
    private Regex? _retryHint;

    /// <summary>Creates a profile; derive from a built-in one with <c>with</c> instead where you can.</summary>
    protected internal KimiProvider()
    {
    }

    /// <summary>The name a configuration picks the host by (<c>"Provider": "DeepInfra"</c>); compared case-insensitively.</summary>
    public required string Name { get; init; }

    /// <summary>The host's name in messages (<c>Moonshot</c>, <c>self-hosted vLLM</c>).</summary>
    public required string DisplayName { get; init; }

    /// <summary>
    /// The wire dialect, lower case (<c>moonshot</c>, <c>vllm</c> …): the <c>gen_ai.provider.name</c> in telemetry, the
    /// emulator dialect it is tested against, and half of a reasoning's <see cref="ReasoningOrigin"/> (reasoning is only
    /// replayed to the same dialect and model).
    /// </summary>
    public required string Dialect { get; init; }

    /// <summary>The base URL, ending before <c>/chat/completions</c>; <see langword="null"/> when the caller must give one (self-hosted servers).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Kimi K2.6's model id on this host.</summary>
    public required string Model { get; init; }

    /// <summary>The environment variable the API key is read from when none is configured, or <see langword="null"/> for none.</summary>
    public string? ApiKeyVariable { get; init; }

    /// <summary>Whether a call without a key is a configuration error (hosted services) or normal (local servers).</summary>
    public bool RequiresApiKey { get; init; } = true;

    /// <summary>The model's context window in tokens (prompt plus output). Default: 262,144, Kimi K2.6's.</summary>
    public int ContextWindow { get; init; } = 262_144;

    /// <summary>Published prices per million tokens, or <see langword="null"/> when the host has none (cost budgets then need explicit prices).</summary>
    public KimiPricing? Pricing { get; init; }

    /// <summary>The currency of <see cref="Pricing"/> and of account balances. Default: <c>USD</c>.</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>How thinking on, off and preserved is written into the request.</summary>
    public required KimiThinkingSwitch ThinkingSwitch { get; init; }

    /// <summary>Whether preserved thinking is documented to work here; when not, it needs <see cref="KimiClientOptions.AllowUnconfirmedPreserveThinking"/>.</summary>
    public bool PreserveThinkingConfirmed { get; init; }

    /// <summary>Model ids on which the host rejects preserved thinking (Moonshot: <c>keep</c> is a 400 on kimi-k2.5).</summary>
    public IReadOnlyList<string> PreserveThinkingRejectedModels { get; init; } = [];

    /// <summary>The fields an assistant turn's reasoning is written back under (<c>reasoning_content</c>, <c>reasoning</c>).</summary>
    public IReadOnlyList<string> ReasoningWriteFields { get; init; } = ["reasoning_content"];

    /// <summary>Whether an assistant tool-call turn must carry reasoning while thinking is on (Moonshot answers 400 otherwise); a lost one is sent as <c>" "</c>.</summary>
    public bool RequiresReasoningOnToolCallTurns { get; init; }

    /// <summary>The JSON field of the output-token cap (<c>max_completion_tokens</c> or <c>max_tokens</c>).</summary>
    public string MaxTokensField { get; init; } = "max_completion_tokens";

    /// <summary>The documented upper bound of the output-token cap, if any.</summary>
    public int? MaxOutputTokensLimit { get; init; }

    /// <summary>Whether going over <see cref="MaxOutputTokensLimit"/> is rejected by the host (fails before sending) or unconfirmed (a warning).</summary>
    public bool MaxOutputTokensLimitIsHard { get; init; }

    /// <summary>The cap sent when neither the call nor the client sets one (the host's own default can be too low for thinking), or <see langword="null"/> to send none.</summary>
    public int? DefaultMaxOutputTokens { get; init; }

    /// <summary>Whether temperature, top_p, n and the penalties are fixed server-side and must be omitted (Moonshot: anything else is a 400).</summary>
    public bool SamplingIsPinned { get; init; }

    /// <summary>Whether Kimi's recommended sampling (1.0/0.95 thinking, 0.6/0.95 instant) is sent when the caller sets none.</summary>
    public bool SendsRecommendedSampling { get; init; }

    /// <summary>Whether streaming requests send <c>stream_options.include_usage</c> (DeepInfra reports usage without it).</summary>
    public bool SendsStreamIncludeUsage { get; init; } = true;

    /// <summary>Roles whose content must be a plain string, never a list of parts (NVIDIA: system and assistant).</summary>
    public IReadOnlyList<MessageRole> StringOnlyContentRoles { get; init; } = [];

    /// <summary>Whether <c>tool_choice</c> required or named is rejected while thinking is on (Moonshot).</summary>
    public bool RejectsForcedToolChoiceWhileThinking { get; init; }

    /// <summary>Whether every nested tool-schema property needs a <c>type</c> (Moonshot rejects untyped ones).</summary>
    public bool RequiresTypedToolSchemaProperties { get; init; }

    /// <summary>Whether a top-level <c>$schema</c> keyword is stripped from <c>json_schema</c> response formats.</summary>
    public bool StripsSchemaKeyword { get; init; }

    /// <summary>Which image and video parts the host takes, from which sources and in which media types.</summary>
    public required KimiMediaCapabilities Media { get; init; }

    /// <summary>Response headers that may carry the request id, in order of preference.</summary>
    public IReadOnlyList<string> RequestIdHeaders { get; init; } = ["x-request-id"];

    /// <summary>Lower-case fragments of error messages that mean "context length exceeded" on this host.</summary>
    public IReadOnlyList<string> ContextLengthMarkers { get; init; } = CommonContextLengthMarkers;

    /// <summary>
    /// A regular expression whose first group is the seconds to wait, read from a rate-limit message when no header says
    /// (Moonshot: <c>please try again after 1 seconds</c>); <see langword="null"/> for none.
    /// </summary>
    public string? RetryHintPattern { get; init; }

    /// <summary>Advice added to authentication errors (Moonshot: keys of its two regions are not interchangeable).</summary>
    public string? AuthenticationHint { get; init; }

    /// <summary>Advice added to "model not found" errors (NVIDIA: catalog models are withdrawn from time to time).</summary>
    public string? ModelNotFoundHint { get; init; }

    /// <summary>Advice added to 405 errors, which mean the endpoint path is wrong (DeepInfra's ends in <c>/v1/openai</c>).</summary>
    public string? EndpointHint { get; init; }

    /// <summary>
    /// The base URL of the same service in another region, whose keys do not work here (Moonshot's two platforms): an
    /// <see cref="KimiClientOptions.Endpoint"/> on that host is refused as a contradiction.
    /// </summary>
    public Uri? OtherRegionEndpoint { get; init; }

    /// <summary>Named account tiers, presets for <see cref="KimiRateLimitOptions.Tier"/>.</summary>
    public IReadOnlyList<KimiRateLimitTier> RateTiers { get; init; } = [];

    /// <summary>Context-overflow phrases seen across Moonshot, DeepInfra and vLLM errors (conformance 30).</summary>
    // Lazy: the built-in hosts are static initializers in other parts of this partial record, which may run first.
    public static IReadOnlyList<string> CommonContextLengthMarkers => field ??=
    [
        "exceeded model token limit",
        "maximum context length",
        "context_length_exceeded",
        "input token length too long",
        "requested input length",
        "context length",
    ];

    /// <summary>The profile in a message or log: its <see cref="Name"/>.</summary>
    /// <returns>The name.</returns>
    public override string ToString() => Name;

    /// <summary>Reads a retry hint from an error message using <see cref="RetryHintPattern"/>.</summary>
    /// <param name="message">The provider's error message.</param>
    /// <returns>How long the provider asks to wait, or <see langword="null"/>.</returns>
    protected internal virtual TimeSpan? ReadRetryHint(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (RetryHintPattern is null)
        {
            return null;
        }

        _retryHint ??= new Regex(RetryHintPattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        var match = _retryHint.Match(message);
        return match.Success && match.Groups.Count > 1 &&
               double.TryParse(match.Groups[1].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) &&
               seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds // a 20-digit "N" would throw OverflowException
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>
    /// Checks the profile's own data; the problems are worded for configuration (<c>Kimi:…</c>) and empty when it is sound.
    /// </summary>
    /// <returns>What is wrong, one line each.</returns>
    protected internal virtual IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return "Kimi:Provider has no Name: give the host a name.";
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            yield return $"Kimi:Hosts:{Name}:Model is required: set the model id the host serves Kimi K2.6 under.";
        }

        if (Endpoint is { } endpoint && !IsHttpBaseUrl(endpoint))
        {
            yield return $"Kimi:Hosts:{Name}:Endpoint must be an absolute http(s) base URL without query or fragment, such as https://llm.example.com/v1.";
        }

        if (ContextWindow < 1)
        {
            yield return $"Kimi:Hosts:{Name}:ContextWindow must be positive; got {ContextWindow}.";
        }

        if (MaxOutputTokensLimit is < 1 || DefaultMaxOutputTokens is < 1)
        {
            yield return $"Kimi:Hosts:{Name}: output-token limits must be positive.";
        }

        if (string.IsNullOrWhiteSpace(MaxTokensField))
        {
            yield return $"Kimi:Hosts:{Name}:MaxTokensField is blank: use max_completion_tokens or max_tokens.";
        }

        if (ReasoningWriteFields is null || ThinkingSwitch is null || Media is null || RequestIdHeaders is null || ContextLengthMarkers is null || RateTiers is null)
        {
            yield return $"Kimi:Hosts:{Name}: a list or switch is null; derive the host from a built-in one with 'with' so every member has a value.";
        }

        foreach (var problem in ValidateInlineReasoning().Concat(ValidateRouting()))
        {
            yield return problem;
        }
    }

    internal static bool IsHttpBaseUrl(Uri endpoint) =>
        endpoint.IsAbsoluteUri && endpoint.Scheme is "http" or "https" && endpoint.Query.Length == 0 && endpoint.Fragment.Length == 0;

    // Each built-in host is built on first use (LazyInitializer: one instance for every thread), so an app on one host does not
    // build the others at start (building all of them cost a fresh process's first call about 15 % of its time); a lookup by
    // name builds only the host it finds. Each host's Name is its property's name (KimiProviderTests checks it).
    private static readonly (string Name, Func<KimiProvider> Get)[] BuiltInHosts =
    [
        (nameof(Moonshot), static () => Moonshot), (nameof(MoonshotChina), static () => MoonshotChina), (nameof(DeepInfra), static () => DeepInfra),
        (nameof(Nvidia), static () => Nvidia), (nameof(Vllm), static () => Vllm), (nameof(SGLang), static () => SGLang),
        (nameof(KTransformers), static () => KTransformers), (nameof(Ollama), static () => Ollama), (nameof(OllamaCloud), static () => OllamaCloud),
        (nameof(CloudflareWorkersAI), static () => CloudflareWorkersAI), (nameof(OpenRouter), static () => OpenRouter),
    ];

    /// <summary>Every built-in host, in the order they are listed in messages.</summary>
    public static IReadOnlyList<KimiProvider> BuiltIn => field ??= Array.ConvertAll(BuiltInHosts, static host => host.Get());

    /// <summary>Finds a built-in host by name, case-insensitively.</summary>
    /// <param name="name">A name such as <c>DeepInfra</c>.</param>
    /// <param name="provider">The host, when found.</param>
    /// <returns>Whether a built-in host has that name.</returns>
    public static bool TryGetBuiltIn(string? name, [NotNullWhen(true)] out KimiProvider? provider)
    {
        var trimmed = name?.Trim();
        foreach (var host in BuiltInHosts)
        {
            if (string.Equals(host.Name, trimmed, StringComparison.OrdinalIgnoreCase))
            {
                provider = host.Get();
                return true;
            }
        }

        provider = null;
        return false;
    }

    /// <summary>The built-in host with this name, case-insensitively.</summary>
    /// <param name="name">A name such as <c>DeepInfra</c>.</param>
    /// <returns>The host.</returns>
    /// <exception cref="ArgumentException">No built-in host has that name; the message lists the known names.</exception>
    public static KimiProvider FromName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGetBuiltIn(name, out var provider)
            ? provider
            : throw new ArgumentException($"Unknown Kimi provider '{name}'. {KnownNamesSentence(null)}", nameof(name));
    }

    /// <summary>The built-in hosts that meet a condition, named for advice in messages ("Moonshot, MoonshotChina").</summary>
    internal static string BuiltInWhere(Func<KimiProvider, bool> condition) =>
        string.Join(", ", BuiltIn.Where(condition).Select(static p => "KimiProvider." + p.Name));

    /// <summary>"Known providers: Moonshot, …. Describe your own under Kimi:Hosts …" for messages about a bad name.</summary>
    internal static string KnownNamesSentence(IEnumerable<string>? hosts)
    {
        var names = string.Join(", ", BuiltIn.Select(static p => p.Name).Concat(hosts ?? []));
        return $"Known providers: {names}. To use another host, describe it under Kimi:Hosts:<Name> (BasedOn, Endpoint, Model …) " +
               "or in code with 'KimiProvider.Vllm with { Name = …, Endpoint = … }'.";
    }
}
