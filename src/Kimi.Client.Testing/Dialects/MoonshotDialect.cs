using System.Globalization;
using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>Moonshot's platform, the reference behaviour (spec/moonshot.md).</summary>
internal sealed class MoonshotDialect : EmulatorDialect
{
    public override string DefaultModel => "kimi-k2.6";

    // Moonshot's CLI reads x-request-id (moonshot.md, Errors).
    public override string? RequestIdHeader => "x-request-id";

    // Recorded tool-call turns carry an empty string, not null.
    public override string? ToolCallOnlyContent => string.Empty;

    // Recorded kimi-k2.6 responses carry "reasoning_content":"" (moonshot.md, quirk 6).
    public override bool WritesEmptyReasoning => true;

    public override StreamUsagePlacement StreamUsage => StreamUsagePlacement.ChoiceOnFinishAndTrailingChunk;

    // Recorded tool ids look like get_weather_0 (moonshot.md, Tools).
    public override string ToolCallId(string name, int number) => $"{name}_{number}";

    public override EmulatorResponse Error(int statusCode, string message) => Error(statusCode, message, statusCode switch
    {
        401 => "invalid_authentication_error",
        404 => "resource_not_found_error",
        429 => "rate_limit_reached_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    });

    public override EmulatorResponse Unauthorized() => Error(401, "Invalid Authentication");

    public override EmulatorResponse InvalidRequest(ValidationProblem problem) => Error(400, "Invalid request: " + problem.Summary);

    // Recorded: vercel/ai moonshotai-error-live-message-only.json.
    public override EmulatorResponse UnknownModel(string model) => Error(404, $"Not found the model {model} or Permission denied");

    // Input plus output may not exceed the context (moonshot.md, Errors: "Your request exceeded model token limit").
    public override EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow) =>
        promptTokens + (maxCompletionTokens ?? 0) > contextWindow
            ? Error(400, $"Your request exceeded model token limit : {contextWindow}")
            : null;

    // thinking:{type:enabled|disabled[,keep:"all"]}; omitted means enabled (moonshot.md, quirk 10). Moonshot does not read
    // chat_template_kwargs, so it is ignored here.
    public override EmulatorResponse? ReadThinking(JsonElement body, out EmulatedThinking thinking)
    {
        thinking = EmulatedThinking.Enabled;
        if (!HasValue(body, "thinking", out JsonElement switchValue))
        {
            return null;
        }

        if (switchValue.ValueKind != JsonValueKind.Object)
        {
            return Error(400, "invalid thinking: expected an object such as {\"type\":\"enabled\"}");
        }

        bool enabled;
        if (switchValue.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("enabled"))
        {
            enabled = true;
        }
        else if (switchValue.TryGetProperty("type", out type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("disabled"))
        {
            enabled = false;
        }
        else
        {
            return Error(400, "invalid thinking.type: only 'enabled' or 'disabled' is allowed");
        }

        bool keepAll = false;
        if (HasValue(switchValue, "keep", out JsonElement keep))
        {
            // keep is only meaningful in thinking mode (moonshot.md: "Send keep only with thinking enabled").
            if (!enabled)
            {
                return Error(400, "invalid thinking.keep: keep is only allowed when thinking is enabled");
            }

            if (keep.ValueKind != JsonValueKind.String || !keep.ValueEquals("all"))
            {
                return Error(400, "invalid thinking.keep: only 'all' is allowed");
            }

            keepAll = true;
        }

        thinking = new(enabled ? EmulatedThinkingMode.On : EmulatedThinkingMode.Off, keepAll);
        return null;
    }

    public override bool ServesFiles => true;

    public override bool ServesAccountCalls => true;

    // The platform's capability fields (moonshot.md, Models list); created is invented.
    public override void WriteModel(Utf8JsonWriter writer, string model, int contextWindow)
    {
        writer.WriteString("id", model);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", 1776700000);
        writer.WriteString("owned_by", "moonshot");
        writer.WriteNumber("context_length", contextWindow);
        writer.WriteBoolean("supports_image_in", true);
        writer.WriteBoolean("supports_video_in", true);
        writer.WriteBoolean("supports_reasoning", true);
    }

    public override bool AcceptsVideo => true;

    // Vision guide: png, jpeg, webp, gif; mp4, mpeg, mov, avi, x-flv, mpg, webm, wmv, 3gpp (moonshot.md, Images and video).
    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/jpg", "image/webp", "image/gif"];
    private static readonly string[] VideoTypes =
        ["video/mp4", "video/mpeg", "video/mpg", "video/quicktime", "video/mov", "video/x-msvideo", "video/avi", "video/x-flv", "video/webm", "video/x-ms-wmv", "video/wmv", "video/3gpp"];

    // Only base64 data URLs and ms://<file-id> are accepted (moonshot.md, Images and video); the http(s) and format
    // messages are recorded, the unknown-file one constructed.
    public override EmulatorResponse? CheckMedia(EmulatedMediaPart part, EmulatedFiles files)
    {
        if (part.IsHttp)
        {
            return Error(400, $"Invalid request: unsupported {part.Kind} url: {part.Url}");
        }

        // An id this emulator issued must still exist (a deleted upload fails); other ids count as uploaded elsewhere.
        if (part.IsFileId)
        {
            return EmulatedFiles.IsEmulatorId(part.FileId) && files.Find(part.FileId) is null ? Error(400, $"Invalid request: file not found: {part.FileId}") : null;
        }

        if (part.DataMediaType is { } type && Array.IndexOf(part.Kind == "image" ? ImageTypes : VideoTypes, type.ToLowerInvariant()) < 0)
        {
            return Error(400, $"Invalid request: unsupported {part.Kind} format: {type}");
        }

        return part.DataMediaType is null ? Error(400, $"Invalid request: unsupported {part.Kind} url: {part.Url}") : null;
    }

    public override EmulatorResponse? Validate(ChatRequestContext request)
    {
        bool thinking = request.Thinking.IsOn;
        return (request.Has(EmulatorDeviation.SamplingNotPinned) ? null : CheckPinnedSampling(request.Body, thinking))
            ?? CheckToolChoice(request.Body, thinking)
            ?? CheckToolSchemas(request.Body)
            ?? CheckMessages(request.Messages, thinking && !request.Has(EmulatorDeviation.ReasoningRoundTripNotEnforced));
    }

    public override void WriteUsage(Utf8JsonWriter writer, UsageCounts usage)
    {
        // Both cached fields, as recorded (moonshot.md, Response).
        writer.WriteStartObject();
        WriteOpenAiCounts(writer, usage);
        writer.WriteNumber("cached_tokens", usage.CachedTokens);
        WriteReasoningDetails(writer, usage.ReasoningTokens);
        WriteCachedDetails(writer, usage.CachedTokens);
        writer.WriteEndObject();
    }

    // moonshot.md, Streaming: {"error":{"message":"…","type":"server_error"}}.
    public override void WriteStreamError(Utf8JsonWriter writer, string message)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", "server_error");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static EmulatorResponse Error(int statusCode, string message, string type) => Json(statusCode, writer =>
    {
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        writer.WriteEndObject();
    });

    // Sampling is fixed for kimi-k2.6; a non-default value is a 400 (recorded "invalid temperature: only 0.6 is allowed for this model").
    private EmulatorResponse? CheckPinnedSampling(JsonElement body, bool thinking) =>
        CheckPinned(body, "temperature", thinking ? 1.0 : 0.6)
            ?? CheckPinned(body, "top_p", 0.95)
            ?? CheckPinned(body, "n", 1)
            ?? CheckPinned(body, "presence_penalty", 0)
            ?? CheckPinned(body, "frequency_penalty", 0);

    private EmulatorResponse? CheckPinned(JsonElement body, string name, double pinned)
    {
        if (!HasValue(body, name, out JsonElement value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && Math.Abs(value.GetDouble() - pinned) < 1e-9
            ? null
            : Error(400, $"invalid {name}: only {pinned.ToString(CultureInfo.InvariantCulture)} is allowed for this model");
    }

    // Recorded: "tool_choice 'required' is incompatible with thinking enabled"; a named function is 'specified'.
    private EmulatorResponse? CheckToolChoice(JsonElement body, bool thinking)
    {
        if (!thinking || !HasValue(body, "tool_choice", out JsonElement choice))
        {
            return null;
        }

        if (choice.ValueKind == JsonValueKind.String && choice.ValueEquals("required"))
        {
            return Error(400, "tool_choice 'required' is incompatible with thinking enabled");
        }

        return choice.ValueKind == JsonValueKind.Object
            ? Error(400, "tool_choice 'specified' is incompatible with thinking enabled")
            : null;
    }

    private EmulatorResponse? CheckToolSchemas(JsonElement body) =>
        MoonshotToolSchemaRules.Check(body) is { } problem ? Error(400, "Invalid request: " + problem) : null;

    private EmulatorResponse? CheckMessages(JsonElement messages, bool thinking)
    {
        int index = 0;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            bool assistant = message.GetProperty("role").ValueEquals("assistant");

            // The most-reported Kimi failure: a tool-call turn without its reasoning while thinking is on. "" counts as missing
            // (conformance.md item 3: llmgateway PR #2093, pi PR #4178); " " passes.
            if (assistant && thinking && HasToolCalls(message) && !HasReasoning(message))
            {
                return Error(400, $"thinking is enabled but reasoning_content is missing in assistant tool call message at index {index}");
            }

            if (message.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.Array
                && CheckParts(content, assistant) is { } invalid)
            {
                return invalid;
            }

            index++;
        }

        return null;
    }

    private EmulatorResponse? CheckParts(JsonElement content, bool assistant)
    {
        foreach (JsonElement part in content.EnumerateArray())
        {
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            // Kimi's coding endpoint rejected [{"type":"text","text":""}] on an assistant message (moonshot.md, Tools).
            if (assistant && type.ValueEquals("text")
                && part.TryGetProperty("text", out JsonElement text) && text.ValueKind == JsonValueKind.String && text.GetString()!.Length == 0)
            {
                return Error(400, "text content is empty");
            }
        }

        return null;
    }

    private static bool HasToolCalls(JsonElement message) =>
        message.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0;

    private static bool HasReasoning(JsonElement message) =>
        message.TryGetProperty("reasoning_content", out JsonElement reasoning)
        && reasoning.ValueKind == JsonValueKind.String
        && reasoning.GetString()!.Length > 0;
}
