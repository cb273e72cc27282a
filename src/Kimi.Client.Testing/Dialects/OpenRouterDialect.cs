using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>
/// OpenRouter routing <c>moonshotai/kimi-k2.6</c> to the Moonshot AI upstream (spec/openrouter.md): the <c>reasoning</c> switch,
/// reasoning returned as <c>reasoning</c> and <c>reasoning_details</c>, the dated model slug and <c>provider</c> in every chunk,
/// <c>: OPENROUTER PROCESSING</c> comments before the first event, the finish chunk sent twice (the repeat with usage and cost),
/// in-band error chunks, and upstream errors wrapped in <c>metadata.raw</c>.
/// </summary>
/// <remarks>
/// What OpenRouter would forward or ignore silently and then fail on (or answer wrongly) is refused here with a message saying
/// so: Moonshot's <c>thinking</c>, vLLM's <c>chat_template_kwargs</c>, the legacy <c>include_reasoning</c>, effort levels and
/// budgets K2.6 does not have, a <c>developer</c> role, unknown <c>provider</c> keys, and a call without an output cap (which
/// OpenRouter answers with 402 on small balances, as here).
/// </remarks>
internal sealed class OpenRouterDialect : EmulatorDialect
{
    /// <summary>The canonical dated slug responses name instead of the requested alias (recorded, anomalyco/opencode#25001).</summary>
    public const string DatedModel = "moonshotai/kimi-k2.6-20260420";

    /// <summary>The upstream the emulator plays.</summary>
    public const string Upstream = "Moonshot AI";

    private const string UserId = "user_emulator";

    private static readonly string[] ProviderKeys =
    [
        "order", "allow_fallbacks", "require_parameters", "data_collection", "zdr", "enforce_distillable_text", "only", "ignore",
        "quantizations", "sort", "preferred_min_throughput", "preferred_max_latency", "max_price",
    ];

    private static readonly string[] NotOpenRouterFields = ["thinking", "chat_template_kwargs", "include_reasoning", "enable_thinking"];

    public override string DefaultModel => "moonshotai/kimi-k2.6";

    public override string BasePath => "/api/v1";

    // The generation id rides on X-Generation-Id as well as in the body.
    public override string? RequestIdHeader => "X-Generation-Id";

    public override string ReasoningField => "reasoning";

    // Recorded non-streamed tool-call turns carry "content":"".
    public override string? ToolCallOnlyContent => string.Empty;

    // Every recorded delta repeats "content" beside the reasoning.
    public override bool WritesEmptyContentWithReasoning => true;

    public override StreamUsagePlacement StreamUsage => StreamUsagePlacement.TopLevelOnRepeatedFinish;

    public override bool DuplicatesFinishChunk => true;

    public override UsageCounts? DuplicateFinishUsage(UsageCounts usage, bool includeUsage) => usage; // usage always comes, on the repeat

    // Whether [DONE] follows an in-band error is unconfirmed; the documented example shows it.
    public override bool SendsDoneAfterStreamError => true;

    // Moonshot's upstream ids, in the form conformance 34 records.
    public override string ToolCallId(string name, int number) => $"{name}:{number}";

    // Often several in a row before the first data line (anomalyco/opencode recordings).
    public override IReadOnlyList<byte[]> StreamPreamble { get; } = [": OPENROUTER PROCESSING\n\n"u8.ToArray(), ": OPENROUTER PROCESSING\n\n"u8.ToArray()];

    // errors-and-debugging.mdx: {"error":{"code":…,"message":…,"metadata":{…}},"user_id":…}.
    public override EmulatorResponse Error(int statusCode, string message) => Envelope(statusCode, message, metadata: null);

    public override EmulatorResponse Unauthorized() => Envelope(401, "No auth credentials found", metadata: null);

    public override EmulatorResponse UnknownModel(string model) => Envelope(400, $"{model} is not a valid model ID", metadata: null);

    public override EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow) =>
        promptTokens + (maxCompletionTokens ?? 0) > contextWindow
            ? Envelope(400, $"This endpoint's maximum context length is {contextWindow} tokens. However, you requested about {promptTokens + (maxCompletionTokens ?? 0)} tokens "
                + $"({promptTokens} of text input, {maxCompletionTokens ?? 0} in the output). Please reduce the length of either one.", metadata: null)
            : null;

    // reasoning-tokens.mdx; K2.6 is on/off only: {"enabled":true} on, {"effort":"none"} off, omitted = the upstream's default (on).
    public override EmulatorResponse? ReadThinking(JsonElement body, out EmulatedThinking thinking)
    {
        thinking = EmulatedThinking.Enabled;
        foreach (string field in NotOpenRouterFields)
        {
            if (body.TryGetProperty(field, out _))
            {
                return Error(400, $"'{field}' is not an OpenRouter parameter for Kimi K2.6: OpenRouter ignores or forwards it without effect (thinking stays on). "
                    + "Use \"reasoning\":{\"enabled\":true} or {\"effort\":\"none\"}; the Kimi emulator rejects the silent no-op.");
            }
        }

        if (body.TryGetProperty("reasoning_effort", out _))
        {
            return Error(400, "'reasoning_effort' was sent: Kimi K2.6 on OpenRouter has no effort levels (on/off only), and it may not differ from reasoning.effort. "
                + "Send the reasoning object only; the Kimi emulator rejects it.");
        }

        if (!HasValue(body, "reasoning", out JsonElement reasoning))
        {
            return null;
        }

        if (reasoning.ValueKind != JsonValueKind.Object)
        {
            return Error(400, "'reasoning' must be an object such as {\"enabled\":true}");
        }

        bool off = false, exclude = false;
        foreach (JsonProperty property in reasoning.EnumerateObject())
        {
            switch (property.Name)
            {
                case "enabled" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    off |= property.Value.ValueKind == JsonValueKind.False;
                    break;
                case "effort" when property.Value.ValueKind == JsonValueKind.String && property.Value.ValueEquals("none"):
                    off = true;
                    break;
                case "effort":
                    return Error(400, $"reasoning.effort {property.Value.GetRawText()}: Kimi K2.6 is on/off only (models.dev lists no effort control); an effort level "
                        + "changes nothing. Send {\"enabled\":true} or {\"effort\":\"none\"}; the Kimi emulator rejects the silent no-op.");
                case "max_tokens":
                    return Error(400, "reasoning.max_tokens: Kimi K2.6 takes no reasoning budget on OpenRouter (Anthropic, Gemini and some Qwen models do). "
                        + "The Kimi emulator rejects the silent no-op.");
                case "exclude" when property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    exclude = property.Value.ValueKind == JsonValueKind.True;
                    break;
                default:
                    return Error(400, $"invalid reasoning.{property.Name}: {property.Value.GetRawText()}");
            }
        }

        thinking = new(off ? EmulatedThinkingMode.Off : exclude ? EmulatedThinkingMode.Hidden : EmulatedThinkingMode.On, false);
        return null;
    }

    public override EmulatorResponse? Validate(ChatRequestContext request)
    {
        JsonElement body = request.Body;
        if (!HasValue(body, "max_tokens", out _) && !HasValue(body, "max_completion_tokens", out _))
        {
            // Without a cap the credit pre-check reserves the model's maximum (can1357/oh-my-pi#9569); recorded body (Gitlawb/openclaude#1125).
            return Envelope(402, "This request requires more credits, or fewer max_tokens. You requested up to 262144 tokens, but can only afford 27342. "
                + "To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account", metadata: writer => writer.WriteNull("provider_name"));
        }

        if (HasValue(body, "provider", out JsonElement provider) && CheckProvider(provider) is { } invalidProvider)
        {
            return invalidProvider;
        }

        if (HasValue(body, "session_id", out JsonElement session) && (session.ValueKind != JsonValueKind.String || session.GetString()!.Length > 256))
        {
            return Error(400, "session_id must be a string of at most 256 characters");
        }

        if (HasValue(body, "models", out JsonElement models) && models.ValueKind != JsonValueKind.Array)
        {
            return Error(400, "models must be an array of model ids");
        }

        bool thinking = request.Thinking.Mode is EmulatedThinkingMode.On or EmulatedThinkingMode.Hidden;
        if (thinking && request.Thinking.Mode == EmulatedThinkingMode.Hidden && HasValue(body, "tools", out JsonElement tools) && tools.GetArrayLength() > 0)
        {
            return Error(400, "reasoning.exclude with tools: the reasoning of a tool-call turn must come back with the next request, and none would be returned. "
                + "The Kimi emulator rejects the combination.");
        }

        int index = 0;
        foreach (JsonElement message in request.Messages.EnumerateArray())
        {
            if (message.GetProperty("role").ValueEquals("developer"))
            {
                // Recorded for K2.6 via OpenRouter (earendil-works/pi#5159): the upstream cannot tokenize the developer role.
                return Upstream400("{\"error\":{\"message\":\"Invalid request: tokenization failed\",\"type\":\"invalid_request_error\"}}");
            }

            if (message.TryGetProperty("reasoning_details", out JsonElement details) && details.ValueKind is not (JsonValueKind.Array or JsonValueKind.Null))
            {
                return Error(400, $"messages[{index}].reasoning_details must be an array, sent back as it was received");
            }

            // Only the Moonshot upstream enforces it, and OpenRouter wraps its 400 (recorded, gptme/gptme#1181).
            if (thinking && message.GetProperty("role").ValueEquals("assistant") && HasToolCalls(message) && !HasReasoning(message))
            {
                return Upstream400(JsonText.WriteString(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteStartObject("error");
                    writer.WriteString("message", $"thinking is enabled but reasoning_content is missing in assistant tool call message at index {index}");
                    writer.WriteString("type", "invalid_request_error");
                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }));
            }

            index++;
        }

        return null;
    }

    public override void WriteEnvelope(Utf8JsonWriter writer, CompletionIdentity identity, string objectName)
    {
        writer.WriteString("id", GenerationId(identity));
        writer.WriteString("object", objectName);
        writer.WriteNumber("created", identity.Created);
        writer.WriteString("model", ResponseModel(identity.Model));
        writer.WriteString("provider", Upstream);
        writer.WriteString("system_fingerprint", "fpv0_8cab9aba");
    }

    // Reasoning twice: as text and as a reasoning.text item (reasoning-tokens.mdx); fragments are merged by the client.
    public override void WriteReasoning(Utf8JsonWriter writer, string reasoning)
    {
        writer.WriteString("reasoning", reasoning);
        writer.WriteStartArray("reasoning_details");
        writer.WriteStartObject();
        writer.WriteString("type", "reasoning.text");
        writer.WriteString("text", reasoning);
        writer.WriteString("format", "unknown");
        writer.WriteNumber("index", 0);
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    public override void WriteChoiceEnd(Utf8JsonWriter writer, string? finishReason, ChoicePosition position)
    {
        base.WriteChoiceEnd(writer, finishReason, position);
        if (finishReason is null)
        {
            writer.WriteNull("native_finish_reason");
        }
        else
        {
            writer.WriteString("native_finish_reason", finishReason);
        }
    }

    // ChatUsage: counts, cost in credits (USD) at the Moonshot upstream's price, cache and reasoning details, cost_details.
    public override void WriteUsage(Utf8JsonWriter writer, UsageCounts usage)
    {
        decimal prompt = (usage.PromptTokens - usage.CachedTokens) * 0.55m / 1_000_000m, cached = usage.CachedTokens * 0.11m / 1_000_000m;
        decimal completion = usage.CompletionTokens * 3.20m / 1_000_000m;
        writer.WriteStartObject();
        WriteOpenAiCounts(writer, usage);
        writer.WriteNumber("cost", prompt + cached + completion);
        writer.WriteBoolean("is_byok", false);
        writer.WriteStartObject("prompt_tokens_details");
        writer.WriteNumber("cached_tokens", usage.CachedTokens);
        writer.WriteNumber("cache_write_tokens", 0);
        writer.WriteEndObject();
        WriteReasoningDetails(writer, usage.ReasoningTokens);
        writer.WriteStartObject("cost_details");
        writer.WriteNumber("upstream_inference_cost", prompt + cached + completion);
        writer.WriteNumber("upstream_inference_prompt_cost", prompt + cached);
        writer.WriteNumber("upstream_inference_completions_cost", completion);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public override void WriteStreamError(Utf8JsonWriter writer, string message) => WriteStreamError(writer, message, identity: null);

    // errors-and-debugging.mdx "Mid-stream errors": the error at the top level and a choice that ends "error".
    public override void WriteStreamError(Utf8JsonWriter writer, string message, CompletionIdentity identity) => WriteStreamError(writer, message, (CompletionIdentity?)identity);

    private void WriteStreamError(Utf8JsonWriter writer, string message, CompletionIdentity? identity)
    {
        writer.WriteStartObject();
        if (identity is { } id)
        {
            WriteEnvelope(writer, id, "chat.completion.chunk");
        }

        writer.WriteStartObject("error");
        writer.WriteNumber("code", 502);
        writer.WriteString("message", "Provider returned error");
        writer.WriteStartObject("metadata");
        writer.WriteString("error_type", "provider_unavailable");
        writer.WriteString("raw", message);
        writer.WriteString("provider_name", Upstream);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("delta");
        writer.WriteString("content", string.Empty);
        writer.WriteEndObject();
        writer.WriteString("finish_reason", "error");
        writer.WriteString("native_finish_reason", "error");
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string GenerationId(CompletionIdentity identity) =>
        identity.Id.StartsWith("chatcmpl-", StringComparison.Ordinal) ? "gen-" + identity.Id["chatcmpl-".Length..] : identity.Id;

    private static string ResponseModel(string model) => model == "moonshotai/kimi-k2.6" ? DatedModel : model;

    private EmulatorResponse? CheckProvider(JsonElement provider)
    {
        if (provider.ValueKind != JsonValueKind.Object)
        {
            return Error(400, "provider must be an object");
        }

        foreach (JsonProperty property in provider.EnumerateObject())
        {
            // The schema sets additionalProperties:false (openapi.yaml ProviderPreferences); server enforcement is unconfirmed.
            if (Array.IndexOf(ProviderKeys, property.Name) < 0)
            {
                return Error(400, $"provider.{property.Name} is not a provider preference; send only {string.Join(", ", ProviderKeys)}");
            }

            if (property.NameEquals("max_price") && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty price in property.Value.EnumerateObject())
                {
                    if (price.Value.ValueKind != JsonValueKind.String)
                    {
                        return Error(400, $"provider.max_price.{price.Name} must be a string (openapi.yaml types prices as strings); got {price.Value.GetRawText()}");
                    }
                }
            }
        }

        return null;
    }

    private static EmulatorResponse Upstream400(string raw) => Envelope(400, "Provider returned error", metadata: writer =>
    {
        writer.WriteString("raw", raw);
        writer.WriteString("provider_name", Upstream);
        writer.WriteBoolean("is_byok", false);
    });

    private static EmulatorResponse Envelope(int status, string message, Action<Utf8JsonWriter>? metadata) => Json(status, writer =>
    {
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteNumber("code", status);
        if (metadata is not null)
        {
            writer.WriteStartObject("metadata");
            metadata(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteString("user_id", UserId);
    });

    private static bool HasToolCalls(JsonElement message) =>
        message.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0;

    // reasoning_content or reasoning (non-empty: "" counts as missing upstream), or reasoning_details items.
    private static bool HasReasoning(JsonElement message) =>
        NonEmpty(message, "reasoning_content") || NonEmpty(message, "reasoning")
        || (message.TryGetProperty("reasoning_details", out JsonElement details) && details.ValueKind == JsonValueKind.Array && details.GetArrayLength() > 0);

    private static bool NonEmpty(JsonElement message, string field) =>
        message.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0;
}
