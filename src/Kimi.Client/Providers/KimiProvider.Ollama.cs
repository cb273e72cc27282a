namespace Kimi.Client;

public partial record KimiProvider
{
    // Ollama's OpenAI converter decodes only base64 jpeg/png/webp data URLs; http(s) → 400 "image URLs are not currently
    // supported", other prefixes (GIF) → 400 "invalid image input", a video_url part → 400 "invalid message format".
    private static KimiMediaCapabilities OllamaMedia => new()
    {
        Images = KimiMediaSupport.Supported,
        Video = KimiMediaSupport.Unsupported,
        FetchesHttpUrls = false,
        ImageMediaTypes = ["image/jpeg", "image/jpg", "image/png", "image/webp"],
        Source = "Ollama's OpenAI converter: base64 JPEG, PNG or WebP data URLs only, no video",
    };

    /// <summary>
    /// A local Ollama daemon (<c>http://localhost:11434/v1</c>, no key) serving Kimi K2.6 as the cloud model
    /// <c>kimi-k2.6:cloud</c>; the daemon must be signed in (<c>ollama signin</c>) and forwards the request to ollama.com
    /// (spec: ollama.md). Thinking off is <c>reasoning_effort:"none"</c>; reasoning is read and written back as <c>reasoning</c>;
    /// <c>tool_choice</c> and <c>max_completion_tokens</c> are ignored by the server, so the SDK never relies on them.
    /// </summary>
    public static KimiProvider Ollama => LazyInitializer.EnsureInitialized(ref field, static () => new KimiProvider()
    {
        Name = "Ollama",
        DisplayName = "Ollama",
        Dialect = "ollama",
        Endpoint = new Uri("http://localhost:11434/v1"),
        Model = "kimi-k2.6:cloud",
        ApiKeyVariable = null,                                 // the daemon signs requests with its own key
        RequiresApiKey = false,
        ThinkingSwitch = KimiThinkingSwitch.ReasoningEffort,   // "none" = off; omitted = on (the model default)
        PreserveThinkingConfirmed = false,                     // no preserve switch
        ReasoningWriteFields = ["reasoning"],                  // reasoning_content is ignored on input
        WritesReasoningOnEveryTurn = true,                     // handed to the model as native thinking on each assistant turn
        MaxTokensField = "max_tokens",                         // max_completion_tokens is silently ignored (ollama/ollama#7125)
        MaxOutputTokensLimit = 262_144,                        // Ollama's own launcher table; a larger cap is not rejected: warn
        DefaultMaxOutputTokens = 16_000,                       // reasoning counts against it: a small cap returns reasoning only
        SendsRecommendedSampling = true,                       // omitted → the converter forces 1.0 / 1.0
        StringOnlyContentRoles = [MessageRole.Assistant],      // array content without tool calls loses its reasoning
        ToolCallOnlyContent = KimiToolCallContent.Null,        // null only beside tool_calls; else 400 "invalid message content type: <nil>"
        IgnoresToolChoice = true,                              // not a request field
        RequiresJsonToolArguments = true,                      // else 400 "invalid tool call arguments"
        ReasoningEffortField = "reasoning_effort",             // low/medium/high/max accepted; effect on K2.6 unconfirmed
        ReasoningEffortConfirmed = false,
        RequestIdHeaders = [],                                 // none; a "(ref: …)" in error messages stands in
        ToolCallIdFormat = null,                               // unconfirmed
        ErrorReferencePattern = @"\(ref: ?([^)\s]+)\)",
        ErrorRules =
        [
            // 429 type api_error for every cause: a used-up plan is only recognisable by its text, and does not clear in seconds.
            new()
            {
                WhenStatus = 429, MessageContains = "usage limit", Kind = KimiErrorKind.QuotaExceeded,
                Advice = "An Ollama Cloud usage limit (session, weekly or monthly) is used up; it resets over hours or days, so the call was not retried. " +
                         "Wait, upgrade at https://ollama.com/upgrade, or fail over to another provider; quote the ref id (RequestId) to Ollama.",
            },
        ],
        AuthenticationHint =
            "Cloud models such as kimi-k2.6:cloud need the local Ollama daemon to be signed in to ollama.com: run 'ollama signin' on that machine " +
            "(the sign-in link is in the exception's Error.Details[\"signin_url\"]), or call ollama.com directly with KimiProvider.OllamaCloud and OLLAMA_API_KEY.",
        ModelNotFoundHint = "On the local daemon Kimi K2.6 is 'kimi-k2.6:cloud'; ollama.com (KimiProvider.OllamaCloud) serves 'kimi-k2.6'.",
        ModelWarnings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["kimi-k2.5:cloud"] = "Ollama retires kimi-k2.5 on 2026-07-31 (replacement kimi-k2.6:cloud).",
            ["kimi-k2-thinking:cloud"] = "Ollama retired kimi-k2-thinking on 2026-06-16; use kimi-k2.6:cloud.",
            ["kimi-k2:1t-cloud"] = "Ollama retired kimi-k2:1t on 2026-06-16; use kimi-k2.6:cloud.",
        },
        Media = OllamaMedia,
    });

    /// <summary>
    /// Ollama Cloud called directly (<c>https://ollama.com/v1</c>, <c>OLLAMA_API_KEY</c> from ollama.com/settings/keys): the same
    /// dialect as <see cref="Ollama"/>, model <c>kimi-k2.6</c>. A <c>:cloud</c> model name (the local daemon's) is rewritten
    /// without the suffix, because ollama.com answers 404 for it. Plans limit GPU time, not tokens: no per-token price.
    /// </summary>
    public static KimiProvider OllamaCloud => LazyInitializer.EnsureInitialized(ref field, static () => Ollama with
    {
        Name = "OllamaCloud",
        DisplayName = "Ollama Cloud",
        Endpoint = new Uri("https://ollama.com/v1"),
        Model = "kimi-k2.6",
        ApiKeyVariable = "OLLAMA_API_KEY",
        RequiresApiKey = true,
        StrippedModelSuffixes = [":cloud", "-cloud"],          // kimi-k2.6:cloud → kimi-k2.6, kimi-k2:1t-cloud → kimi-k2:1t
        AuthenticationHint = "Ollama Cloud keys are created at https://ollama.com/settings/keys and do not expire.",
        ModelNotFoundHint = "ollama.com serves Kimi K2.6 as 'kimi-k2.6' (the ':cloud' name is for the local daemon, KimiProvider.Ollama).",
        ModelWarnings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["kimi-k2.5"] = "Ollama retires kimi-k2.5 on 2026-07-31 (replacement kimi-k2.6).",
            ["kimi-k2-thinking"] = "Ollama retired kimi-k2-thinking on 2026-06-16; use kimi-k2.6.",
            ["kimi-k2:1t"] = "Ollama retired kimi-k2:1t on 2026-06-16; use kimi-k2.6.",
        },
    });
}
