using System.Globalization;
using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>Cloudflare Workers AI's account-scoped OpenAI route, <c>/client/v4/accounts/{account}/ai/v1</c> (spec/cloudflare.md).</summary>
internal sealed class CloudflareDialect : EmulatorDialect
{
    /// <summary>The one account the emulator routes (Cloudflare's own example id); any other gets 404 code 7003.</summary>
    public const string AccountId = "023e105f4ecef8ad9ca31a8372d0c353";

    public override string DefaultModel => "@cf/moonshotai/kimi-k2.6";

    public override string BasePath => "/client/v4/accounts/" + AccountId + "/ai/v1";

    // Every Cloudflare response carries cf-ray; the emulator stamps its request id there.
    public override string? RequestIdHeader => "cf-ray";

    // "K2.6 returns reasoning content in the reasoning field, replacing reasoning_content" (K2.6 changelog).
    public override string ReasoningField => "reasoning";

    public override StreamUsagePlacement StreamUsage => StreamUsagePlacement.TopLevelOnFinishWhenRequested;

    // The platform appends a copy of the finish chunk. For Kimi the two copies agreed in the capture; for other models on the same
    // endpoint the copy zeroed cached_tokens. The emulator sends the harsher form, so a client that lets it win shows.
    public override bool DuplicatesFinishChunk => true;

    public override UsageCounts? DuplicateFinishUsage(UsageCounts usage, bool includeUsage) => includeUsage ? usage with { CachedTokens = 0 } : null;

    // The v4 envelope: {"result":null,"success":false,"errors":[{"code":…,"message":…}],"messages":[]} (cloudflare.md, Errors).
    public override EmulatorResponse Error(int statusCode, string message) => Envelope(statusCode, statusCode switch
    {
        400 => 8001,
        401 => 10000,
        403 => 5035,
        404 => 7003,
        405 => 7000,
        408 => 3007,
        413 => 3006,
        429 => 3040,
        _ => 7009,
    }, message);

    // Recorded (anomalyco/opencode#23773): a wrong account id cannot be routed.
    public override EmulatorResponse RouteNotFound(string method, string path) =>
        Envelope(404, 7003, $"Could not route to {path}, perhaps your object identifier is invalid?");

    public override EmulatorResponse MethodNotAllowed(string method, string path) => Envelope(405, 7000, "No route for that URI");

    public override EmulatorResponse Unauthorized() => Envelope(401, 10000, "Authentication error");

    // errors.mdx: 5007 "No such model or task", HTTP 400.
    public override EmulatorResponse UnknownModel(string model) => Envelope(400, 5007, $"AiError: No such model {model} or task");

    // Served by vLLM; its length message in Cloudflare's envelope (constructed).
    public override EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow) =>
        promptTokens + (maxCompletionTokens ?? 0) > contextWindow
            ? Envelope(400, 8001, "AiError: " + VllmDialect.ContextOverflowMessage(promptTokens, maxCompletionTokens, contextWindow))
            : null;

    // chat_template_kwargs.thinking, default on (K2.6 changelog). enable_thinking alone is vLLM's generic switch, which leaks Kimi's
    // reasoning into content; with thinking beside it (the opt-in alias) thinking decides. reasoning_effort: low/medium/high/null.
    public override EmulatorResponse? ReadThinking(JsonElement body, out EmulatedThinking thinking)
    {
        thinking = EmulatedThinking.Enabled;
        if (ReadTemplateKwargs(body, out bool? on, out bool? preserve, out bool? enableThinking) is { } invalid)
        {
            return Envelope(400, 5006, "Type mismatch: " + invalid);
        }

        if (HasValue(body, "reasoning_effort", out JsonElement effort)
            && !(effort.ValueKind == JsonValueKind.String && (effort.ValueEquals("low") || effort.ValueEquals("medium") || effort.ValueEquals("high"))))
        {
            return Envelope(400, 5006, $"Type mismatch of '/reasoning_effort', {effort.GetRawText()} not in 'low', 'medium', 'high', null");
        }

        EmulatedThinkingMode mode = on switch
        {
            false => EmulatedThinkingMode.Off,
            true => EmulatedThinkingMode.On,
            null when enableThinking == false => EmulatedThinkingMode.LeaksIntoContent,
            null => EmulatedThinkingMode.On,
        };
        thinking = new(mode, preserve == true);
        return null;
    }

    public override EmulatorResponse? Validate(ChatRequestContext request)
    {
        // The default cap is undocumented and reasoning shares it (cloudflare.md): the emulator insists on an explicit one.
        if (!HasValue(request.Body, "max_completion_tokens", out _) && !HasValue(request.Body, "max_tokens", out _))
        {
            return Envelope(400, 8001, "Invalid input: the Kimi emulator requires max_completion_tokens, because Workers AI's default is undocumented "
                + "and reasoning can use all of it.");
        }

        if (HasValue(request.Body, "tool_choice", out JsonElement choice) && choice.ValueKind == JsonValueKind.String && choice.ValueEquals("any"))
        {
            return Envelope(400, 8001, "Invalid input");
        }

        int index = 0;
        foreach (JsonElement message in request.Messages.EnumerateArray())
        {
            // The Workers binding refused null content (kinu direct-workers-ai-fetch.ts); "" works on every path seen.
            if (message.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.Null)
            {
                return Envelope(400, 5006, $"Type mismatch of '/messages/{index.ToString(CultureInfo.InvariantCulture)}/content', 'string' not in 'null'");
            }

            index++;
        }

        return null;
    }

    public override void WriteUsage(Utf8JsonWriter writer, UsageCounts usage)
    {
        // Cached tokens are reported for Kimi (prompt-caching page); reasoning_tokens for K2.6 is unconfirmed, so left out.
        writer.WriteStartObject();
        WriteOpenAiCounts(writer, usage);
        WriteCachedDetails(writer, usage.CachedTokens);
        writer.WriteEndObject();
    }

    // Unconfirmed for Workers AI; the vLLM frame it runs on, followed by [DONE].
    public override bool SendsDoneAfterStreamError => true;

    public override void WriteStreamError(Utf8JsonWriter writer, string message) => VllmDialect.WriteVllmError(writer, message, "InternalServerError", 500);

    private static EmulatorResponse Envelope(int status, int code, string message) => Json(status, writer =>
    {
        writer.WriteNull("result");
        writer.WriteBoolean("success", false);
        writer.WriteStartArray("errors");
        writer.WriteStartObject();
        writer.WriteNumber("code", code);
        writer.WriteString("message", message);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteStartArray("messages");
        writer.WriteEndArray();
    });
}
