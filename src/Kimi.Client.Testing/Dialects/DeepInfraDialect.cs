using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>DeepInfra's OpenAI route (spec/deepinfra.md).</summary>
internal sealed class DeepInfraDialect : EmulatorDialect
{
    public override string DefaultModel => "moonshotai/Kimi-K2.6";

    // The OpenAI route lives under /v1/openai (deepinfra.md, quirk 1).
    public override string BasePath => "/v1/openai";

    // "The final chunk before [DONE] contains usage information", no stream_options needed (deepinfra.md, Streaming).
    public override StreamUsagePlacement StreamUsage => StreamUsagePlacement.TopLevelOnFinish;

    public override EmulatorResponse Error(int statusCode, string message) => Json(statusCode, writer =>
    {
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteEndObject();
    });

    // A wrong path answers 405 with no body (cline/cline#767).
    public override EmulatorResponse RouteNotFound(string method, string path) => EmulatorResponse.Empty(405);

    public override EmulatorResponse MethodNotAllowed(string method, string path) => EmulatorResponse.Empty(405);

    // Recorded (xtekky/gpt4free#3446).
    public override EmulatorResponse Unauthorized() => Json(401, writer =>
    {
        writer.WriteStartObject("error");
        writer.WriteString("message", "Not authenticated");
        writer.WriteString("type", "invalid_request_error");
        writer.WriteNull("param");
        writer.WriteNull("code");
        writer.WriteEndObject();
    });

    // FastAPI answers a body that is not JSON with a 422 json_invalid item.
    public override EmulatorResponse InvalidJson(string detail) => Json(422, writer =>
    {
        writer.WriteStartArray("detail");
        writer.WriteStartObject();
        writer.WriteString("type", "json_invalid");
        JsonText.WriteLocation(writer, "loc", ["body", 0]);
        writer.WriteString("msg", "JSON decode error");
        writer.WriteStartObject("input");
        writer.WriteEndObject();
        writer.WriteStartObject("ctx");
        writer.WriteString("error", detail);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    // FastAPI validation: {"detail":[{"type","loc","msg","input"}]} (deepinfra.md, Errors: huggingface/smolagents#1518).
    public override EmulatorResponse InvalidRequest(ValidationProblem problem) => Json(422, writer =>
    {
        writer.WriteStartArray("detail");
        writer.WriteStartObject();
        writer.WriteString("type", problem.Type);
        JsonText.WriteLocation(writer, "loc", problem.Location);
        writer.WriteString("msg", problem.Message);
        writer.WritePropertyName("input");
        problem.Input.WriteTo(writer);
        writer.WriteEndObject();
        writer.WriteEndArray();
    });

    public override EmulatorResponse UnknownModel(string model) => Error(404, "Model is not available");

    // Recorded shape (langchain-ai/langchain#25671): a 500 about the input length; the output budget is capped separately.
    public override EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow) =>
        promptTokens > contextWindow
            ? Error(500, $"Requested input length {promptTokens} exceeds maximum input length {contextWindow}")
            : null;

    // reasoning_effort:"none" (or reasoning:{enabled:false}) is DeepInfra's switch; chat_template_kwargs.thinking the vLLM-style
    // alternative (deepinfra.md, Request). The SDK must send one shape, never both, so the emulator rejects both together.
    // A Moonshot-style thinking object is not DeepInfra's and is ignored.
    public override EmulatorResponse? ReadThinking(JsonElement body, out EmulatedThinking thinking)
    {
        thinking = EmulatedThinking.Enabled;
        if (ReadTemplateKwargs(body, out bool? templateThinking, out _, out _) is { } invalid)
        {
            return Error(400, "Invalid request: " + invalid);
        }

        bool hasEffort = HasValue(body, "reasoning_effort", out JsonElement effort);
        bool hasReasoning = HasValue(body, "reasoning", out JsonElement reasoning);
        if ((hasEffort || hasReasoning) && templateThinking is not null)
        {
            return Error(400,
                "Invalid request: both 'reasoning_effort'/'reasoning' and 'chat_template_kwargs.thinking' were sent. Send one thinking switch; "
                + "the Kimi emulator rejects both together because their precedence on DeepInfra is undocumented.");
        }

        bool off = (hasEffort && effort.ValueKind == JsonValueKind.String && effort.ValueEquals("none"))
            || (hasReasoning && reasoning.ValueKind == JsonValueKind.Object
                && reasoning.TryGetProperty("enabled", out JsonElement enabled) && enabled.ValueKind == JsonValueKind.False)
            || templateThinking == false;
        thinking = new(off ? EmulatedThinkingMode.Off : EmulatedThinkingMode.On, false);
        return null;
    }

    public override void WriteUsage(Utf8JsonWriter writer, UsageCounts usage)
    {
        // OpenAI shape with both details (deepinfra.md, Response).
        writer.WriteStartObject();
        WriteOpenAiCounts(writer, usage);
        WriteCachedDetails(writer, usage.CachedTokens);
        WriteReasoningDetails(writer, usage.ReasoningTokens);
        writer.WriteEndObject();
    }

    // Native mid-stream shape, error_message being a JSON string (deepinfra.md, Streaming).
    public override void WriteStreamError(Utf8JsonWriter writer, string message)
    {
        string inner = JsonText.WriteString(inner =>
        {
            inner.WriteStartObject();
            inner.WriteStartObject("error");
            inner.WriteString("message", message);
            inner.WriteEndObject();
            inner.WriteEndObject();
        });
        writer.WriteStartObject();
        writer.WriteString("error_type", "validation_error");
        writer.WriteString("error_message", inner);
        writer.WriteEndObject();
    }
}
