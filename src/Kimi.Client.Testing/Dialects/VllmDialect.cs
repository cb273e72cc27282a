using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>A self-hosted vLLM server, version 0.10.1 or later, started with the <c>kimi_k2</c> parsers (spec/vllm-sglang.md).</summary>
internal class VllmDialect : EmulatorDialect
{
    public override string DefaultModel => "moonshotai/Kimi-K2.6";

    // Only with --api-key (vllm-sglang.md, Endpoint).
    public override bool RequiresBearerWithoutKey => false;

    // vLLM falls back to the served model when none is named.
    public override bool RequiresModel => false;

    // X-Request-Id when enabled (vllm-sglang.md, Errors; unconfirmed).
    public override string? RequestIdHeader => "X-Request-Id";

    // Renamed from reasoning_content (vllm-project/vllm#27752, #33402).
    public override string ReasoningField => "reasoning";

    public override bool AlwaysWritesToolCalls => true;

    public override StreamUsagePlacement StreamUsage => StreamUsagePlacement.TrailingChunkWhenRequested;

    // serving_chat.py yields the error frame, then still "data: [DONE]" (vllm-sglang.md, quirk 6).
    public override bool SendsDoneAfterStreamError => true;

    public static string ContextOverflowMessage(int promptTokens, int? maxCompletionTokens, int contextWindow) =>
        maxCompletionTokens is { } completion
            ? $"This model's maximum context length is {contextWindow} tokens. However, you requested {promptTokens + completion} tokens "
                + $"({promptTokens} in the messages, {completion} in the completion). Please reduce the length of the messages or completion."
            : $"This model's maximum context length is {contextWindow} tokens. However, your request has {promptTokens} input tokens. "
                + "Please reduce the length of the input messages.";

    public static void WriteVllmError(Utf8JsonWriter writer, string message, string type, int code)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        writer.WriteNull("param");
        writer.WriteNumber("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static void WriteVllmUsage(Utf8JsonWriter writer, UsageCounts usage)
    {
        writer.WriteStartObject();
        WriteOpenAiCounts(writer, usage);

        // Cached tokens only with --enable-prompt-tokens-details; reasoning tokens as recorded by BerriAI/litellm#22984.
        if (usage.CachedTokens > 0)
        {
            WriteCachedDetails(writer, usage.CachedTokens);
        }

        if (usage.ReasoningTokens > 0)
        {
            WriteReasoningDetails(writer, usage.ReasoningTokens);
        }

        writer.WriteEndObject();
    }

    /// <summary>Maps a status to the error type vLLM writes.</summary>
    protected static string ErrorType(int statusCode) => statusCode switch
    {
        400 => "BadRequestError",
        401 => "Unauthorized",
        404 => "NotFoundError",
        405 => "MethodNotAllowed",
        >= 500 => "InternalServerError",
        _ => "Error",
    };

    // vLLM >= 0.10.1 (vllm-project/vllm#22099): {"error":{"message","type","param","code"}}.
    public override EmulatorResponse Error(int statusCode, string message) =>
        EmulatorResponse.Json(statusCode, JsonText.Write(writer => WriteVllmError(writer, message, ErrorType(statusCode), statusCode)));

    public override EmulatorResponse Unauthorized() => Error(401, "Unauthorized");

    public override EmulatorResponse UnknownModel(string model) => Error(404, $"The model `{model}` does not exist.");

    // Recorded vLLM message (vllm-sglang.md, Errors).
    public override EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow) =>
        promptTokens + (maxCompletionTokens ?? 0) > contextWindow
            ? Error(400, ContextOverflowMessage(promptTokens, maxCompletionTokens, contextWindow))
            : null;

    // chat_template_kwargs.thinking, default on. enable_thinking:false is not Kimi's switch: the template still thinks while
    // the parser is off, so the chain of thought leaks into content (edgelesssys/privatemode-public#7). A Moonshot-style
    // thinking object is silently dropped, as vLLM does.
    public override EmulatorResponse? ReadThinking(JsonElement body, out EmulatedThinking thinking)
    {
        thinking = EmulatedThinking.Enabled;
        if (ReadTemplateKwargs(body, out bool? on, out bool? preserve, out bool? enableThinking) is { } invalid)
        {
            return Error(400, invalid);
        }

        EmulatedThinkingMode mode = on switch
        {
            false => EmulatedThinkingMode.Off,
            true => EmulatedThinkingMode.On,
            null when enableThinking == false => EmulatedThinkingMode.LeaksIntoContent,
            null => ReadExtraSwitch(body),
        };
        thinking = new(mode, preserve == true);
        return null;
    }

    public override void WriteUsage(Utf8JsonWriter writer, UsageCounts usage) => WriteVllmUsage(writer, usage);

    // vLLM's ModelCard: root, parent, max_model_len, permission (conformance 48a).
    public override void WriteModel(Utf8JsonWriter writer, string model, int contextWindow)
    {
        writer.WriteString("id", model);
        writer.WriteString("object", "model");
        writer.WriteNumber("created", 1);
        writer.WriteString("owned_by", Owner);
        writer.WriteString("root", "/models/Kimi-K2.6");
        writer.WriteNull("parent");
        writer.WriteNumber("max_model_len", contextWindow);
        writer.WriteStartArray("permission");
        writer.WriteEndArray();
    }

    protected override string Owner => "vllm";

    // Recorded v0.17.1 chunk: id, created, model, object (vllm-sglang.md, Reasoning field names).
    public override void WriteEnvelope(Utf8JsonWriter writer, CompletionIdentity identity, string objectName)
    {
        writer.WriteString("id", identity.Id);
        writer.WriteNumber("created", identity.Created);
        writer.WriteString("model", identity.Model);
        writer.WriteString("object", objectName);
    }

    // Intermediate chunks omit finish_reason and logprobs entirely (recorded, vllm-project/vllm#37397); the finish adds stop_reason.
    public override void WriteChoiceEnd(Utf8JsonWriter writer, string? finishReason, ChoicePosition position)
    {
        if (position == ChoicePosition.Delta)
        {
            return;
        }

        writer.WriteNull("logprobs");
        writer.WriteString("finish_reason", finishReason);
        writer.WriteNull("stop_reason");
    }

    public override void WriteStreamError(Utf8JsonWriter writer, string message) => WriteVllmError(writer, message, "InternalServerError", 500);

    /// <summary>The engine's own thinking switch besides <c>chat_template_kwargs</c>; vLLM has none for Kimi.</summary>
    protected virtual EmulatedThinkingMode ReadExtraSwitch(JsonElement body) => EmulatedThinkingMode.On;
}
