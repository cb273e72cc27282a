using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>
/// One provider's dialect: its paths, error bodies, thinking switch, validation rules and wire shapes. Everything that
/// differs between providers lives in the subclasses (one file each), so the pipeline has no provider checks.
/// </summary>
internal abstract class EmulatorDialect
{
    /// <summary>The message for an <c>extra_body</c> key. Real servers silently ignore the key (vllm-project/vllm#37397: no reasoning
    /// came back); the emulator is a test tool, so it rejects it to catch the SDK bug.</summary>
    public const string ExtraBodyMessage =
        "Invalid request: 'extra_body' was sent on the wire. It is an OpenAI Python SDK construct whose keys belong at the top level "
        + "of the JSON body; real servers silently ignore it (so thinking switches inside it do nothing), and the Kimi emulator rejects it.";

    /// <summary>The dialects the emulator speaks, by <see cref="KimiProvider.Dialect"/>.</summary>
    public static IReadOnlyDictionary<string, Func<EmulatorDialect>> Known { get; } = new Dictionary<string, Func<EmulatorDialect>>(StringComparer.OrdinalIgnoreCase)
    {
        ["moonshot"] = static () => new MoonshotDialect(),
        ["deepinfra"] = static () => new DeepInfraDialect(),
        ["nvidia"] = static () => new NvidiaDialect(),
        ["vllm"] = static () => new VllmDialect(),
        ["sglang"] = static () => new SGLangDialect(),
        ["ktransformers"] = static () => new KTransformersDialect(),
        ["ollama"] = static () => new OllamaDialect(),
        ["cloudflare"] = static () => new CloudflareDialect(),
        ["openrouter"] = static () => new OpenRouterDialect(),
    };

    public static EmulatorDialect Create(KimiProvider provider) =>
        Known.TryGetValue(provider.Dialect, out var create)
            ? create()
            : throw new ArgumentException(
                $"The emulator does not speak the '{provider.Dialect}' dialect of {provider.Name}; it speaks {string.Join(", ", Known.Keys)}. " +
                "Derive your host from a built-in one (its Dialect comes along) to test against the emulator.", nameof(provider));

    /// <summary>Gets the dialect's model id, accepted when no other is configured.</summary>
    public abstract string DefaultModel { get; }

    /// <summary>Gets the path under the host that the base URL ends with.</summary>
    public virtual string BasePath => "/v1";

    public string ChatCompletionsPath => BasePath + "/chat/completions";

    /// <summary>Gets the response header that carries the request id, if the provider sends one.</summary>
    public virtual string? RequestIdHeader => null;

    /// <summary>Gets whether a bearer token is required when no API key is configured (hosted dialects).</summary>
    public virtual bool RequiresBearerWithoutKey => true;

    /// <summary>Gets whether <c>model</c> is required; vLLM and SGLang fall back to the served model.</summary>
    public virtual bool RequiresModel => true;

    /// <summary>Gets the message and delta field that carries reasoning.</summary>
    public virtual string ReasoningField => "reasoning_content";

    /// <summary>Gets the <c>content</c> of a message that only calls tools (<see langword="null"/> writes JSON null).</summary>
    public virtual string? ToolCallOnlyContent => null;

    /// <summary>Gets whether a thinking reply without reasoning still writes the reasoning field as <c>""</c> (Moonshot, recorded).</summary>
    public virtual bool WritesEmptyReasoning => false;

    /// <summary>Gets whether a message always carries <c>tool_calls</c>, empty when there are none (vLLM).</summary>
    public virtual bool AlwaysWritesToolCalls => false;

    public abstract StreamUsagePlacement StreamUsage { get; }

    /// <summary>
    /// Gets whether the server runs a Kimi reasoning parser. Without one the template's reasoning block arrives in
    /// <c>content</c>, closed by <c>&lt;/think&gt;</c> (vllm-sglang.md, KTransformers).
    /// </summary>
    public virtual bool HasReasoningParser => true;

    /// <summary>Gets whether the server runs a Kimi tool-call parser. Without one a tool-call section arrives as text and <c>finish_reason</c> is <c>stop</c>.</summary>
    public virtual bool HasToolCallParser => true;

    /// <summary>Splits streamed text into deltas; by default one word each, keeping the whitespace before it.</summary>
    public virtual IEnumerable<string> ContentPieces(string text) => ReplyRenderer.Words(text);

    /// <summary>Gets whether <c>data: [DONE]</c> still follows a mid-stream error event (vLLM, SGLang).</summary>
    public virtual bool SendsDoneAfterStreamError => false;

    /// <summary>Gets whether each streamed tool call arrives whole in one delta, not as argument fragments (Ollama).</summary>
    public virtual bool StreamsWholeToolCalls => false;

    /// <summary>The <c>index</c> a streamed tool call carries; Ollama may send 0 for every call of a parallel response.</summary>
    public virtual int StreamedToolCallIndex(int position) => position;

    /// <summary>Gets whether a streamed reasoning delta also carries <c>"content":""</c> (Ollama).</summary>
    public virtual bool WritesEmptyContentWithReasoning => false;

    /// <summary>
    /// The usage of a copy of the finish chunk appended after it (Cloudflare's platform-appended duplicate), or
    /// <see langword="null"/> for no copy. The default sends none.
    /// </summary>
    public virtual UsageCounts? DuplicateFinishUsage(UsageCounts usage, bool includeUsage) => null;

    /// <summary>Gets whether a copy of the finish chunk follows it (Cloudflare).</summary>
    public virtual bool DuplicatesFinishChunk => false;

    /// <summary>Builds the default tool-call id: the <c>kimi_k2</c> parser form <c>functions.{name}:{n}</c> (vllm-sglang.md, Tools).</summary>
    public virtual string ToolCallId(string name, int number) => $"functions.{name}:{number}";

    /// <summary>A generic error in the dialect's envelope.</summary>
    public abstract EmulatorResponse Error(int statusCode, string message);

    public virtual EmulatorResponse RouteNotFound(string method, string path) => Error(404, $"Not Found: {method} {path}");

    public virtual EmulatorResponse MethodNotAllowed(string method, string path) => Error(405, $"Method Not Allowed: {method} {path}");

    public abstract EmulatorResponse Unauthorized();

    public virtual EmulatorResponse InvalidJson(string detail) => Error(400, $"Invalid request: the body is not valid JSON ({detail})");

    public virtual EmulatorResponse InvalidRequest(ValidationProblem problem) => Error(400, problem.Summary);

    public abstract EmulatorResponse UnknownModel(string model);

    /// <summary>Returns the context-overflow error when prompt plus requested output exceed the window, else <see langword="null"/>.</summary>
    public abstract EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow);

    /// <summary>Reads the thinking switch, or returns the error for a malformed one.</summary>
    public abstract EmulatorResponse? ReadThinking(JsonElement body, out EmulatedThinking thinking);

    /// <summary>Gets whether the dialect serves account calls: a token count and a balance (Moonshot).</summary>
    public virtual bool ServesAccountCalls => false;

    /// <summary>Writes the fields of one <c>GET {base}/models</c> entry; the default is the plain OpenAI shape.</summary>
    public virtual void WriteModel(Utf8JsonWriter writer, string model, int contextWindow)
    {
        writer.WriteString("id", model);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", 1767225600);
        writer.WriteString("owned_by", Owner);
    }

    /// <summary>Gets the <c>owned_by</c> of model entries.</summary>
    protected virtual string Owner => "organization-owner";

    /// <summary>Gets whether the dialect serves a files API (<c>{base}/files</c>; Moonshot).</summary>
    public virtual bool ServesFiles => false;

    /// <summary>Gets whether <c>video_url</c> parts are taken (the model card keeps video to Moonshot's API; NVIDIA and SGLang list the part).</summary>
    public virtual bool AcceptsVideo => false;

    /// <summary>
    /// Checks one image or video part. The default is an OpenAI-compatible server: it fetches http(s) URLs, reads data URLs,
    /// cannot resolve Moonshot's <c>ms://</c> ids, and refuses video unless <see cref="AcceptsVideo"/> (messages constructed).
    /// </summary>
    public virtual EmulatorResponse? CheckMedia(EmulatedMediaPart part, EmulatedFiles files)
    {
        if (part.Kind == "video" && !AcceptsVideo)
        {
            return Error(400, $"messages[{part.MessageIndex}]: video input is not supported for this model");
        }

        return part.IsFileId
            ? Error(400, $"messages[{part.MessageIndex}]: invalid {part.Kind} URL '{part.Url}': only http(s) and data URLs are supported")
            : null;
    }

    /// <summary>The dialect's own rules, checked after the shape, model and thinking switch.</summary>
    public virtual EmulatorResponse? Validate(ChatRequestContext request) => null;

    public abstract void WriteUsage(Utf8JsonWriter writer, UsageCounts usage);

    /// <summary>Writes the fields every completion object starts with.</summary>
    public virtual void WriteEnvelope(Utf8JsonWriter writer, CompletionIdentity identity, string objectName)
    {
        writer.WriteString("id", identity.Id);
        writer.WriteString("object", objectName);
        writer.WriteNumber("created", identity.Created);
        writer.WriteString("model", identity.Model);
    }

    /// <summary>Writes what closes a choice after its <c>message</c> or <c>delta</c>.</summary>
    public virtual void WriteChoiceEnd(Utf8JsonWriter writer, string? finishReason, ChoicePosition position)
    {
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason");
        }
        else
        {
            writer.WriteString("finish_reason", finishReason);
        }
    }

    /// <summary>Writes the JSON of the dialect's mid-stream error event.</summary>
    public abstract void WriteStreamError(Utf8JsonWriter writer, string message);

    /// <summary>Writes the mid-stream error event of a completion (a dialect whose error chunk repeats the completion's envelope overrides this).</summary>
    public virtual void WriteStreamError(Utf8JsonWriter writer, string message, CompletionIdentity identity) => WriteStreamError(writer, message);

    /// <summary>Writes a message's or delta's reasoning: by default <see cref="ReasoningField"/> only.</summary>
    public virtual void WriteReasoning(Utf8JsonWriter writer, string reasoning) => writer.WriteString(ReasoningField, reasoning);

    /// <summary>Gets what a stream sends before its first event (keep-alive comments), or nothing.</summary>
    public virtual IReadOnlyList<byte[]> StreamPreamble => [];

    protected static EmulatorResponse Json(int statusCode, Action<Utf8JsonWriter> write) =>
        EmulatorResponse.Json(statusCode, JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }));

    /// <summary>Writes <c>prompt_tokens</c>, <c>completion_tokens</c> and <c>total_tokens</c>.</summary>
    protected static void WriteOpenAiCounts(Utf8JsonWriter writer, UsageCounts usage)
    {
        writer.WriteNumber("prompt_tokens", usage.PromptTokens);
        writer.WriteNumber("completion_tokens", usage.CompletionTokens);
        writer.WriteNumber("total_tokens", usage.TotalTokens);
    }

    protected static void WriteCachedDetails(Utf8JsonWriter writer, int cachedTokens)
    {
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", cachedTokens);
        writer.WriteEndObject();
    }

    protected static void WriteReasoningDetails(Utf8JsonWriter writer, int reasoningTokens)
    {
        writer.WriteStartObject("completion_tokens_details");
        writer.WriteNumber("reasoning_tokens", reasoningTokens);
        writer.WriteEndObject();
    }

    /// <summary>Reads Kimi's template switches from <c>chat_template_kwargs</c> (vLLM, SGLang, NVIDIA, and DeepInfra's alternative).</summary>
    /// <returns>An error message when a switch is not a boolean, else <see langword="null"/>.</returns>
    protected static string? ReadTemplateKwargs(JsonElement body, out bool? thinking, out bool? preserveThinking, out bool? enableThinking)
    {
        thinking = null;
        preserveThinking = null;
        enableThinking = null;
        if (!body.TryGetProperty("chat_template_kwargs", out JsonElement kwargs) || kwargs.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (kwargs.ValueKind != JsonValueKind.Object)
        {
            return "'chat_template_kwargs' must be an object";
        }

        return ReadBool(kwargs, "thinking", out thinking)
            ?? ReadBool(kwargs, "preserve_thinking", out preserveThinking)
            ?? ReadBool(kwargs, "enable_thinking", out enableThinking);
    }

    private static string? ReadBool(JsonElement kwargs, string name, out bool? value)
    {
        value = null;
        if (!kwargs.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return $"'chat_template_kwargs.{name}' must be a boolean";
        }

        value = element.GetBoolean();
        return null;
    }

    protected static bool HasValue(JsonElement body, string name, out JsonElement value) =>
        body.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
}
