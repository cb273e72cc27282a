using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>A self-hosted SGLang server with the <c>kimi_k2</c> parsers: vLLM's rules with SGLang's wire shapes (spec/vllm-sglang.md).</summary>
internal class SGLangDialect : VllmDialect
{
    public override string? RequestIdHeader => null;

    public override string ReasoningField => "reasoning_content";

    public override bool AlwaysWritesToolCalls => false;

    protected override string Owner => "sglang";

    // SGLang's request schema has video_url parts (vllm-sglang.md, Images and video).
    public override bool AcceptsVideo => true;

    // SGLang ErrorResponse: {"object":"error","message","type","param","code"} (vllm-sglang.md, Errors).
    public override EmulatorResponse Error(int statusCode, string message) =>
        EmulatorResponse.Json(statusCode, JsonText.Write(writer => WriteFlatError(writer, message, ErrorType(statusCode), statusCode)));

    public override EmulatorResponse UnknownModel(string model) => Error(404, $"The model '{model}' does not exist");

    public override EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow)
    {
        int completion = maxCompletionTokens ?? 0;
        return promptTokens + completion > contextWindow
            ? Error(400, $"Requested token count exceeds the model's maximum context length of {contextWindow} tokens. You requested a total of "
                + $"{promptTokens + completion} tokens: {promptTokens} tokens from the input messages and {completion} tokens for the completion. "
                + "Please reduce the number of tokens in the input messages or the completion to fit within the limit.")
            : null;
    }

    public override void WriteUsage(Utf8JsonWriter writer, UsageCounts usage)
    {
        // SGLang UsageInfo adds a non-standard top-level reasoning_tokens (vllm-sglang.md, Streaming, usage).
        writer.WriteStartObject();
        WriteOpenAiCounts(writer, usage);
        if (usage.CachedTokens > 0)
        {
            WriteCachedDetails(writer, usage.CachedTokens);
        }

        writer.WriteNumber("reasoning_tokens", usage.ReasoningTokens);
        writer.WriteEndObject();
    }

    public override void WriteEnvelope(Utf8JsonWriter writer, CompletionIdentity identity, string objectName)
    {
        writer.WriteString("id", identity.Id);
        writer.WriteString("object", objectName);
        writer.WriteNumber("created", identity.Created);
        writer.WriteString("model", identity.Model);
    }

    // SGLang sends finish_reason null on every chunk and matched_stop with the finish.
    public override void WriteChoiceEnd(Utf8JsonWriter writer, string? finishReason, ChoicePosition position)
    {
        writer.WriteNull("logprobs");
        if (finishReason is null)
        {
            writer.WriteNull("finish_reason");
        }
        else
        {
            writer.WriteString("finish_reason", finishReason);
        }

        writer.WriteNull("matched_stop");
    }

    public override void WriteStreamError(Utf8JsonWriter writer, string message) => WriteFlatError(writer, message, "InternalServerError", 500);

    // SGLang: reasoning_effort "none" turns thinking off (vllm-sglang.md, Request fields).
    protected override EmulatedThinkingMode ReadExtraSwitch(JsonElement body) =>
        HasValue(body, "reasoning_effort", out JsonElement effort) && effort.ValueKind == JsonValueKind.String && effort.ValueEquals("none")
            ? EmulatedThinkingMode.Off
            : EmulatedThinkingMode.On;

    private static void WriteFlatError(Utf8JsonWriter writer, string message, string type, int code)
    {
        writer.WriteStartObject();
        writer.WriteString("object", "error");
        writer.WriteString("message", message);
        writer.WriteString("type", type);
        writer.WriteNull("param");
        writer.WriteNumber("code", code);
        writer.WriteEndObject();
    }
}
