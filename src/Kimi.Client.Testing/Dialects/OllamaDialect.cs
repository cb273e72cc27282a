using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>
/// Ollama's OpenAI route: the local daemon forwarding <c>kimi-k2.6:cloud</c> to ollama.com, and ollama.com itself (spec/ollama.md).
/// </summary>
/// <remarks>
/// Ollama drops unknown and unsupported fields silently (<c>thinking</c>, <c>chat_template_kwargs</c>, <c>max_completion_tokens</c>,
/// <c>tool_choice</c>, <c>reasoning_content</c> on messages), so a client that sends the wrong one gets no error and a wrong answer.
/// Like <c>extra_body</c>, the emulator rejects them with a message saying what Ollama would have done: a test tool's job is to
/// make that bug visible.
/// </remarks>
internal sealed class OllamaDialect : EmulatorDialect
{
    private static readonly string[] EffortLevels = ["none", "low", "medium", "high", "max"];

    // Accepted since v0.32.11 and clamped (minimal → low, xhigh/ultra → max).
    private static readonly string[] ClampedEffortLevels = ["minimal", "xhigh", "ultra"];

    private static readonly string[] IgnoredSwitches = ["thinking", "chat_template_kwargs", "enable_thinking"];

    private static readonly string[] ImageTypes = ["image/jpeg", "image/jpg", "image/png", "image/webp", ""];

    public override string DefaultModel => "kimi-k2.6:cloud";

    // The local daemon needs no key (it signs with its own); set KimiEmulatorOptions.ApiKey to emulate ollama.com's bearer check.
    public override bool RequiresBearerWithoutKey => false;

    public override string ReasoningField => "reasoning";

    // The converter always writes content as a string.
    public override string? ToolCallOnlyContent => string.Empty;

    public override StreamUsagePlacement StreamUsage => StreamUsagePlacement.TrailingChunkWhenRequested;

    // Each call arrives whole in one delta (openai.go ToToolCalls), and parallel calls may all carry index 0 (ollama/ollama#15457).
    public override bool StreamsWholeToolCalls => true;

    public override int StreamedToolCallIndex(int position) => 0;

    // Reasoning chunks carry "content":"" (openai.go toChunk).
    public override bool WritesEmptyContentWithReasoning => true;

    // Ollama's own runner: call_ + 8 characters (server/routes.go toolCallId).
    public override string ToolCallId(string name, int number)
    {
        uint hash = 2166136261; // FNV-1a: deterministic across runs, unlike HashCode
        foreach (char c in $"{name}:{number}")
        {
            hash = (hash ^ c) * 16777619;
        }

        return $"call_{hash:x8}";
    }

    // openai.go NewError: invalid_request_error for 400, not_found_error for 404, api_error for everything else (429 included).
    public override EmulatorResponse Error(int statusCode, string message) => Json(statusCode, writer =>
    {
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", statusCode switch { 400 => "invalid_request_error", 404 => "not_found_error", _ => "api_error" });
        writer.WriteNull("param");
        writer.WriteNull("code");
        writer.WriteEndObject();
    });

    // server/cloud_proxy.go writeCloudUnauthorized: the daemon is not signed in (native string shape).
    public override EmulatorResponse Unauthorized() => Json(401, writer =>
    {
        writer.WriteString("error", "unauthorized");
        writer.WriteString("signin_url", "https://ollama.com/connect?name=kimi-emulator&key=emulator-public-key");
    });

    // Recorded (ollama/ollama#15319): a ':cloud' name sent to ollama.com, or an unknown model.
    public override EmulatorResponse UnknownModel(string model) => Error(404, $"model \"{model}\" not found");

    // No Kimi context error is recorded for Ollama; this message is constructed, in the converter's envelope.
    public override EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow) =>
        promptTokens > contextWindow
            ? Error(400, $"the input length ({promptTokens} tokens) exceeds the context length ({contextWindow} tokens)")
            : null;

    // reasoning_effort "none" = off; omitted = on. A reasoning object wins over reasoning_effort (openai.go FromChatRequest):
    // send one, so both together are refused here. Moonshot's and vLLM's switches are dropped silently by Ollama: refused here.
    public override EmulatorResponse? ReadThinking(JsonElement body, out EmulatedThinking thinking)
    {
        thinking = EmulatedThinking.Enabled;
        foreach (string ignored in IgnoredSwitches)
        {
            if (body.TryGetProperty(ignored, out _))
            {
                return Error(400, $"'{ignored}' is not an Ollama request field: Ollama drops it silently (thinking stays on). "
                    + "Turn thinking off with \"reasoning_effort\":\"none\"; the Kimi emulator rejects the silent no-op.");
            }
        }

        bool hasEffort = HasValue(body, "reasoning_effort", out JsonElement effort);
        bool hasReasoning = HasValue(body, "reasoning", out JsonElement reasoning);
        if (hasEffort && hasReasoning)
        {
            return Error(400, "both 'reasoning' and 'reasoning_effort' were sent: Ollama uses the reasoning object and ignores reasoning_effort. "
                + "Send one; the Kimi emulator rejects both together.");
        }

        JsonElement value = hasReasoning && reasoning.ValueKind == JsonValueKind.Object && reasoning.TryGetProperty("effort", out JsonElement inner)
            ? inner
            : effort;
        if (!hasEffort && !hasReasoning || value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        string? level = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        if (level is null || (Array.IndexOf(EffortLevels, level) < 0 && Array.IndexOf(ClampedEffortLevels, level) < 0 && level.Length > 0))
        {
            return Error(400, $"invalid reasoning value: '{level}' (must be \"high\", \"medium\", \"low\", \"max\", or \"none\")");
        }

        thinking = new(level == "none" ? EmulatedThinkingMode.Off : EmulatedThinkingMode.On, false);
        return null;
    }

    // openai.go decodeImageURL: base64 jpeg/jpg/png/webp (or untyped) data URLs only; FromChatRequest: video_url is not a part type.
    public override EmulatorResponse? CheckMedia(EmulatedMediaPart part, EmulatedFiles files)
    {
        if (part.Kind == "video")
        {
            return Error(400, "invalid message format");
        }

        if (part.Url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || part.Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return Error(400, "image URLs are not currently supported, please use base64 encoded data instead");
        }

        return part.DataMediaType is { } type && Array.IndexOf(ImageTypes, type.ToLowerInvariant()) >= 0
            || part.Url.StartsWith("data:;base64,", StringComparison.OrdinalIgnoreCase)
            ? null
            : Error(400, "invalid image input");
    }

    public override EmulatorResponse? Validate(ChatRequestContext request)
    {
        JsonElement body = request.Body;
        if (body.TryGetProperty("max_completion_tokens", out _))
        {
            return Error(400, "'max_completion_tokens' is not an Ollama request field: Ollama ignores it silently and generates without a limit "
                + "(ollama/ollama#7125). Send \"max_tokens\"; the Kimi emulator rejects the silent no-op.");
        }

        if (HasValue(body, "tool_choice", out JsonElement choice) && !(choice.ValueKind == JsonValueKind.String && choice.ValueEquals("auto")))
        {
            return Error(400, $"'tool_choice' {choice.GetRawText()} is ignored by Ollama (not a request field), so it would not be enforced. "
                + "Leave it out (and omit the tools for \"none\"); the Kimi emulator rejects the silent no-op.");
        }

        int index = 0;
        foreach (JsonElement message in request.Messages.EnumerateArray())
        {
            if (message.GetProperty("role").ValueEquals("assistant") && CheckAssistant(message, index) is { } problem)
            {
                return problem;
            }

            index++;
        }

        return null;
    }

    // No details: prompt_eval_count and eval_count only (openai.go ToUsage).
    public override void WriteUsage(Utf8JsonWriter writer, UsageCounts usage)
    {
        writer.WriteStartObject();
        WriteOpenAiCounts(writer, usage);
        writer.WriteEndObject();
    }

    public override void WriteEnvelope(Utf8JsonWriter writer, CompletionIdentity identity, string objectName)
    {
        base.WriteEnvelope(writer, identity, objectName);
        writer.WriteString("system_fingerprint", "fp_ollama");
    }

    // The converter's error object (how the cloud ends a failed stream is unconfirmed; no [DONE] follows, as in the converter).
    public override void WriteStreamError(Utf8JsonWriter writer, string message)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", "api_error");
        writer.WriteNull("param");
        writer.WriteNull("code");
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private EmulatorResponse? CheckAssistant(JsonElement message, int index)
    {
        bool hasCalls = message.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array && calls.GetArrayLength() > 0;
        if (message.TryGetProperty("reasoning_content", out _))
        {
            return Error(400, $"messages[{index}]: Ollama ignores 'reasoning_content' (it reads 'reasoning'), so this turn's reasoning would be lost "
                + "silently; the Kimi emulator rejects it.");
        }

        bool hasContent = message.TryGetProperty("content", out JsonElement content);
        if ((!hasContent || content.ValueKind == JsonValueKind.Null) && !hasCalls)
        {
            return Error(400, "invalid message content type: <nil>");
        }

        if (hasContent && content.ValueKind == JsonValueKind.Array && !hasCalls && message.TryGetProperty("reasoning", out _))
        {
            return Error(400, $"messages[{index}]: Ollama drops the reasoning of an assistant message whose content is an array (without tool calls); "
                + "send the content as a string. The Kimi emulator rejects the silent loss.");
        }

        if (hasCalls)
        {
            foreach (JsonElement call in calls.EnumerateArray())
            {
                if (!call.TryGetProperty("function", out JsonElement function) || !function.TryGetProperty("arguments", out JsonElement arguments)
                    || arguments.ValueKind != JsonValueKind.String || !IsJsonObject(arguments.GetString()!))
                {
                    return Error(400, "invalid tool call arguments");
                }
            }
        }

        return null;
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
