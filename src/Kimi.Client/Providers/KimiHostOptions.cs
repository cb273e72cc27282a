namespace Kimi.Client;

/// <summary>
/// A host described in configuration (<c>Kimi:Hosts:&lt;Name&gt;</c>): a built-in host to start from and the settings
/// that differ. Unset members keep the base host's values.
/// </summary>
/// <example>
/// <code>
/// "Kimi": {
///   "Provider": "Acme",
///   "Hosts": { "Acme": { "BasedOn": "Vllm", "Endpoint": "https://llm.acme.internal/v1", "Model": "kimi-k2.6",
///                        "ApiKeyVariable": "ACME_LLM_KEY", "RequiresApiKey": true, "ReasoningWriteFields": [ "reasoning_content" ] } }
/// }
/// </code>
/// </example>
public sealed class KimiHostOptions
{
    /// <summary>The built-in host (or another host under <c>Kimi:Hosts</c>) this one derives from. Required.</summary>
    public string? BasedOn { get; set; }

    /// <summary>Allows this entry to replace the built-in host of the same name. Default: <see langword="false"/> (a name clash fails at start).</summary>
    public bool Override { get; set; }

    /// <summary>The name in messages.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The wire dialect (<c>vllm</c>, <c>moonshot</c> …); see <see cref="KimiProvider.Dialect"/>.</summary>
    public string? Dialect { get; set; }

    /// <summary>The base URL, ending before <c>/chat/completions</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The model id the host serves Kimi K2.6 under.</summary>
    public string? Model { get; set; }

    /// <summary>The account id of an account-scoped host (Cloudflare Workers AI); see <see cref="KimiProvider.AccountId"/>.</summary>
    public string? AccountId { get; set; }

    /// <summary>The gateway to route through (Cloudflare AI Gateway); see <see cref="KimiProvider.GatewayId"/>.</summary>
    public string? GatewayId { get; set; }

    /// <summary>The environment variable holding the API key.</summary>
    public string? ApiKeyVariable { get; set; }

    /// <summary>Whether a key is required.</summary>
    public bool? RequiresApiKey { get; set; }

    /// <summary>The context window in tokens.</summary>
    public int? ContextWindow { get; set; }

    /// <summary>The thinking switch, by the name of a built-in one (<c>ThinkingObject</c>, <c>ChatTemplateKwargs</c>, <c>ChatTemplateKwargsOffOnly</c>, <c>ReasoningEffort</c>, <c>ReasoningObject</c>).</summary>
    public string? ThinkingSwitch { get; set; }

    /// <summary>Whether preserved thinking works on this host.</summary>
    public bool? PreserveThinkingConfirmed { get; set; }

    /// <summary>The fields assistant reasoning is written back under.</summary>
    public string[]? ReasoningWriteFields { get; set; }

    /// <summary>Whether assistant tool-call turns must carry reasoning while thinking (Moonshot's rule).</summary>
    public bool? RequiresReasoningOnToolCallTurns { get; set; }

    /// <summary>The output-token cap field (<c>max_completion_tokens</c> or <c>max_tokens</c>).</summary>
    public string? MaxTokensField { get; set; }

    /// <summary>The documented largest output-token cap.</summary>
    public int? MaxOutputTokensLimit { get; set; }

    /// <summary>The cap sent when a call sets none.</summary>
    public int? DefaultMaxOutputTokens { get; set; }

    /// <summary>Whether sampling is fixed server-side (never sent).</summary>
    public bool? SamplingIsPinned { get; set; }

    /// <summary>Response headers that may carry the request id.</summary>
    public string[]? RequestIdHeaders { get; set; }

    /// <summary>Whether reasoning inline in <c>content</c> (a server without <c>--reasoning-parser kimi_k2</c>) is split out; see <see cref="KimiProvider.InlineReasoning"/>.</summary>
    public bool? InlineReasoning { get; set; }

    /// <summary>Whether a tool-call section written as text is parsed into tool calls (needs <see cref="InlineReasoning"/>); see <see cref="KimiProvider.RecoverToolCallsFromText"/>.</summary>
    public bool? RecoverToolCallsFromText { get; set; }

    /// <summary>Price per million uncached input tokens, in <see cref="Currency"/>.</summary>
    public decimal? InputPricePerMillion { get; set; }

    /// <summary>Price per million cached input tokens.</summary>
    public decimal? CachedInputPricePerMillion { get; set; }

    /// <summary>Price per million output tokens.</summary>
    public decimal? OutputPricePerMillion { get; set; }

    /// <summary>The currency of the prices.</summary>
    public string? Currency { get; set; }

    /// <summary>A router's upstream preferences (hosts based on OpenRouter; see <see cref="KimiProvider.Routing"/>), for example <c>"Routing": { "Only": [ "moonshotai" ], "AllowFallbacks": false }</c>.</summary>
    public OpenRouterRouting? Routing { get; set; }

    /// <summary>Models a router tries after the primary one (hosts based on OpenRouter; see <see cref="KimiProvider.FallbackModels"/>).</summary>
    public string[]? FallbackModels { get; set; }

    /// <summary>The app attribution headers (hosts based on OpenRouter; see <see cref="KimiProvider.Attribution"/>).</summary>
    public OpenRouterAttribution? Attribution { get; set; }

    /// <summary>Builds the host from its base, checking every setting; problems are worded with the configuration path.</summary>
    internal KimiProvider Build(string name, KimiProvider basis, string path, List<string> problems)
    {
        var thinkingSwitch = basis.ThinkingSwitch;
        if (ThinkingSwitch is { } switchName && !KimiThinkingSwitch.TryGetBuiltIn(switchName, out thinkingSwitch))
        {
            problems.Add($"{path}:ThinkingSwitch '{switchName}' is not a known switch; use one of {string.Join(", ", KimiThinkingSwitch.BuiltIn.Select(static s => s.Name))}.");
            thinkingSwitch = basis.ThinkingSwitch;
        }

        if (Endpoint is { } endpoint && !KimiProvider.IsHttpBaseUrl(endpoint))
        {
            problems.Add($"{path}:Endpoint must be an absolute http(s) base URL without query or fragment, such as https://llm.example.com/v1.");
        }

        if (Model is { } model && string.IsNullOrWhiteSpace(model))
        {
            problems.Add($"{path}:Model is blank: remove it to keep {basis.Name}'s model id, or set one.");
        }

        if (ContextWindow is < 1 || MaxOutputTokensLimit is < 1 || DefaultMaxOutputTokens is < 1)
        {
            problems.Add($"{path}: ContextWindow, MaxOutputTokensLimit and DefaultMaxOutputTokens must be positive when set.");
        }

        var prices = new[] { InputPricePerMillion, CachedInputPricePerMillion, OutputPricePerMillion };
        KimiPricing? pricing = basis.Pricing;
        if (prices.Any(static p => p is not null))
        {
            if (prices.Any(static p => p is null or < 0))
            {
                problems.Add($"{path}: set all three of InputPricePerMillion, CachedInputPricePerMillion and OutputPricePerMillion (non-negative), or none.");
            }
            else
            {
                pricing = new KimiPricing(InputPricePerMillion!.Value, CachedInputPricePerMillion!.Value, OutputPricePerMillion!.Value);
            }
        }

        return basis with
        {
            Name = name,
            DisplayName = DisplayName ?? name,
            Dialect = Dialect ?? basis.Dialect,
            Endpoint = Endpoint ?? basis.Endpoint,
            Model = string.IsNullOrWhiteSpace(Model) ? basis.Model : Model,
            AccountId = AccountId ?? basis.AccountId,
            GatewayId = GatewayId ?? basis.GatewayId,
            ApiKeyVariable = ApiKeyVariable ?? basis.ApiKeyVariable,
            RequiresApiKey = RequiresApiKey ?? basis.RequiresApiKey,
            ContextWindow = ContextWindow ?? basis.ContextWindow,
            ThinkingSwitch = thinkingSwitch!,
            PreserveThinkingConfirmed = PreserveThinkingConfirmed ?? basis.PreserveThinkingConfirmed,
            ReasoningWriteFields = ReasoningWriteFields ?? basis.ReasoningWriteFields,
            RequiresReasoningOnToolCallTurns = RequiresReasoningOnToolCallTurns ?? basis.RequiresReasoningOnToolCallTurns,
            MaxTokensField = MaxTokensField ?? basis.MaxTokensField,
            MaxOutputTokensLimit = MaxOutputTokensLimit ?? basis.MaxOutputTokensLimit,
            DefaultMaxOutputTokens = DefaultMaxOutputTokens ?? basis.DefaultMaxOutputTokens,
            SamplingIsPinned = SamplingIsPinned ?? basis.SamplingIsPinned,
            RequestIdHeaders = RequestIdHeaders ?? basis.RequestIdHeaders,
            InlineReasoning = InlineReasoning ?? basis.InlineReasoning,
            RecoverToolCallsFromText = RecoverToolCallsFromText ?? basis.RecoverToolCallsFromText,
            Pricing = pricing,
            Currency = Currency ?? basis.Currency,
            Routing = Routing ?? basis.Routing,
            FallbackModels = FallbackModels ?? basis.FallbackModels,
            Attribution = Attribution ?? basis.Attribution,
            // A host of its own is not the base's other region.
            OtherRegionEndpoint = Endpoint is null ? basis.OtherRegionEndpoint : null,
        };
    }
}
