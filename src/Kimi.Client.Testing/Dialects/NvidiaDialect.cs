using System.Globalization;
using System.Text.Json;
using Kimi.Client.Testing.Processing;

namespace Kimi.Client.Testing.Dialects;

/// <summary>NVIDIA's API catalog, a vLLM-backed NIM behind NVCF (spec/nvidia.md).</summary>
internal sealed class NvidiaDialect : EmulatorDialect
{
    /// <summary>The documented range of <c>max_tokens</c> (nvidia.md, Request fields).</summary>
    public const int MaxTokensLimit = 65536;

    // A stable stand-in for the NVCF function id in "Function '…': Not found for account '…'".
    private const string FunctionId = "3f1c0e4a-7d52-4b8e-9a61-0c2d5e8f4b17";

    public override string DefaultModel => "moonshotai/kimi-k2.6";

    // NVCF-REQID is NVCF's request id (nvidia.md, Errors).
    public override string? RequestIdHeader => "NVCF-REQID";

    public override StreamUsagePlacement StreamUsage => StreamUsagePlacement.TrailingChunkWhenRequested;

    // video_url is listed in NVIDIA's API reference (nvidia.md, Images and video); whether K2.6 serves it is unconfirmed.
    public override bool AcceptsVideo => true;

    /// <summary>Validation errors use the flat envelope, recorded as <c>{"message":"Validation: …","type":"Bad Request","code":400}</c>.</summary>
    public override EmulatorResponse Error(int statusCode, string message) => Json(statusCode, writer =>
    {
        writer.WriteString("message", message);
        writer.WriteString("type", statusCode == 400 ? "Bad Request" : "Error");
        writer.WriteNumber("code", statusCode);
    });

    // NVCF gateway errors are problem details: {"status","title"[,"detail"]} (recorded 429 and 404).
    public override EmulatorResponse RouteNotFound(string method, string path) => Problem(404, "Not Found", $"Path '{path}' was not found");

    public override EmulatorResponse MethodNotAllowed(string method, string path) => Problem(405, "Method Not Allowed", null);

    public override EmulatorResponse Unauthorized() => Problem(401, "Unauthorized", null);

    // Recorded (Alishahryar1/free-claude-code#1021): the model's function is gone for this account.
    public override EmulatorResponse UnknownModel(string model) =>
        Problem(404, "Not Found", $"Function '{FunctionId}': Not found for account 'kimi-emulator'");

    public override EmulatorResponse InvalidRequest(ValidationProblem problem) => Error(400, "Validation: " + problem.Summary);

    // NIM runs vLLM; its length check, in NVIDIA's flat envelope.
    public override EmulatorResponse? CheckContext(int promptTokens, int? maxCompletionTokens, int contextWindow) =>
        promptTokens + (maxCompletionTokens ?? 0) > contextWindow
            ? Error(400, VllmDialect.ContextOverflowMessage(promptTokens, maxCompletionTokens, contextWindow))
            : null;

    // chat_template_kwargs.thinking, default on (nvidia.md, quirk 1). A Moonshot-style thinking object is silently ignored,
    // as vLLM ignores unknown fields.
    public override EmulatorResponse? ReadThinking(JsonElement body, out EmulatedThinking thinking)
    {
        thinking = EmulatedThinking.Enabled;
        if (ReadTemplateKwargs(body, out bool? on, out bool? preserve, out _) is { } invalid)
        {
            return Error(400, "Validation: " + invalid);
        }

        thinking = new(on == false ? EmulatedThinkingMode.Off : EmulatedThinkingMode.On, preserve == true);
        return null;
    }

    public override EmulatorResponse? Validate(ChatRequestContext request)
    {
        // max_tokens: 1 to 65,536 (nvidia.md, Request fields).
        if (HasValue(request.Body, "max_tokens", out JsonElement maxTokens)
            && !(maxTokens.ValueKind == JsonValueKind.Number && maxTokens.TryGetInt32(out int value) && value is >= 1 and <= MaxTokensLimit))
        {
            return Error(400, $"Validation: 'max_tokens' must be an integer between 1 and {MaxTokensLimit.ToString(CultureInfo.InvariantCulture)}, got {maxTokens.GetRawText()}");
        }

        // system/assistant content must be a string: "the object list format is not supported" (nvidia.md, quirk 2).
        int index = 0;
        foreach (JsonElement message in request.Messages.EnumerateArray())
        {
            JsonElement role = message.GetProperty("role");
            if ((role.ValueEquals("system") || role.ValueEquals("assistant"))
                && message.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.Array)
            {
                return Error(400, $"Validation: messages[{index}]: the object list format is not supported for '{role.GetString()}' message content; send a string");
            }

            index++;
        }

        return null;
    }

    // OpenAI shape; the details are unconfirmed for NVIDIA, so they appear only when non-zero, as vLLM writes them.
    public override void WriteUsage(Utf8JsonWriter writer, UsageCounts usage) => VllmDialect.WriteVllmUsage(writer, usage);

    // NIM streams through vLLM: {"error":{"message","type","param","code"}}.
    public override void WriteStreamError(Utf8JsonWriter writer, string message) => VllmDialect.WriteVllmError(writer, message, "InternalServerError", 500);

    private static EmulatorResponse Problem(int status, string title, string? detail) => Json(status, writer =>
    {
        writer.WriteNumber("status", status);
        writer.WriteString("title", title);
        if (detail is not null)
        {
            writer.WriteString("detail", detail);
        }
    });
}
