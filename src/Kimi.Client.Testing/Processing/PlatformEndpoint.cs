using System.Text;
using System.Text.Json;
using Kimi.Client.Testing.Dialects;

namespace Kimi.Client.Testing.Processing;

/// <summary>
/// The emulated calls beyond chat: <c>GET {base}/models</c> in every dialect (the dialect writes its entries), and in dialects
/// with an account (Moonshot) <c>POST {base}/tokenizers/estimate-token-count</c> and <c>GET {base}/users/me/balance</c>, in the
/// documented shapes (spec: moonshot.md, "Platform beyond chat").
/// </summary>
internal sealed class PlatformEndpoint(EmulatorDialect dialect, KimiEmulatorOptions options)
{
    // Fields the count endpoint's schema does not have: the SDK must never send them there (conformance 48b).
    private static readonly string[] ChatOnlyFields =
        ["tools", "tool_choice", "thinking", "stream", "stream_options", "temperature", "top_p", "max_tokens", "max_completion_tokens", "response_format"];

    private string ModelsPath => dialect.BasePath + "/models";

    private string TokenCountPath => dialect.BasePath + "/tokenizers/estimate-token-count";

    private string BalancePath => dialect.BasePath + "/users/me/balance";

    public bool Serves(string path) =>
        path == ModelsPath || (dialect.ServesAccountCalls && (path == TokenCountPath || path == BalancePath));

    public EmulatorResponse Handle(string method, string path, IReadOnlyDictionary<string, string> headers, byte[] body, int sequence)
    {
        EmulatorResponse response = HandleCore(method, path, headers, body);
        if (dialect.RequestIdHeader is { } header && !options.Deviations.Contains(EmulatorDeviation.NoRequestIdHeader))
        {
            response.SetHeader(header, ChatCompletionsEndpoint.RequestId(sequence));
        }

        return response;
    }

    private EmulatorResponse HandleCore(string method, string path, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        if (!BearerAuth.IsAuthorized(dialect, options, headers))
        {
            return options.Deviations.Contains(EmulatorDeviation.UnknownErrorEnvelope) ? DeviationRules.UnknownEnvelope() : dialect.Unauthorized();
        }

        bool post = string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase);
        if (path == TokenCountPath)
        {
            return post ? CountTokens(body) : dialect.MethodNotAllowed(method, path);
        }

        if (!string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase))
        {
            return dialect.MethodNotAllowed(method, path);
        }

        return path == BalancePath ? Balance() : Models();
    }

    private EmulatorResponse Models() => EmulatorResponse.Json(200, JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("object", "list");
        writer.WriteStartArray("data");
        foreach (string model in options.AcceptedModels.Count > 0 ? options.AcceptedModels : [dialect.DefaultModel])
        {
            writer.WriteStartObject();
            dialect.WriteModel(writer, model, options.ContextWindow);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }));

    private EmulatorResponse CountTokens(byte[] body)
    {
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return dialect.InvalidJson("the body is not JSON");
        }

        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            return dialect.Error(400, "Invalid request: 'model' and a non-empty 'messages' are required");
        }

        foreach (string field in ChatOnlyFields)
        {
            if (json.TryGetProperty(field, out _))
            {
                return dialect.Error(400, $"Invalid request: unknown field '{field}' for estimate-token-count");
            }
        }

        if (json.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.String && !options.AcceptedModels.Contains(model.GetString()!))
        {
            return dialect.UnknownModel(model.GetString()!);
        }

        int tokens = TokenEstimate.Of(messages.GetRawText());
        return EmulatorResponse.Json(200, Encoding.UTF8.GetBytes("{\"data\":{\"total_tokens\":" + tokens.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}"));
    }

    // The documented example (https://platform.moonshot.ai/docs/api/balance).
    private static EmulatorResponse Balance() => EmulatorResponse.Json(200,
        """{"code":0,"data":{"available_balance":49.58894,"voucher_balance":46.58893,"cash_balance":3.00001},"scode":"0x0","status":true}"""u8.ToArray());
}
