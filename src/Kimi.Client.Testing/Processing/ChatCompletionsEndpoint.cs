using System.Globalization;
using System.Text.Json;
using Kimi.Client.Testing.Dialects;

namespace Kimi.Client.Testing.Processing;

/// <summary>
/// The emulated <c>POST {base}/chat/completions</c>: route, auth, body shape, model, thinking switch, the dialect's own rules,
/// context window, and only then the reply. Scripted replies are therefore consumed only by requests the provider would accept.
/// </summary>
internal sealed class ChatCompletionsEndpoint(EmulatorDialect dialect, KimiEmulatorOptions options)
{
    // A fixed creation time keeps responses byte-for-byte reproducible.
    private const long CreatedBase = 1767225600;

    public EmulatorDialect Dialect => dialect;

    /// <param name="request">The recorded request.</param>
    /// <param name="sequence">The 1-based number of the request, used for deterministic ids.</param>
    /// <param name="nextReply">Returns the scripted reply for a request that passed every check, or <see langword="null"/> for the default.</param>
    public EmulatorResponse Handle(EmulatorRequest request, int sequence, Func<EmulatorRequest, EmulatorReply?> nextReply)
    {
        EmulatorResponse response = HandleCore(request, sequence, nextReply);
        if (dialect.RequestIdHeader is { } header
            && !response.Headers.Exists(existing => string.Equals(existing.Key, header, StringComparison.OrdinalIgnoreCase)))
        {
            response.Headers.Add(new(header, RequestId(sequence)));
        }

        return response;
    }

    public static string RequestId(int sequence) => "emu-req-" + sequence.ToString("D4", CultureInfo.InvariantCulture);

    private EmulatorResponse HandleCore(EmulatorRequest request, int sequence, Func<EmulatorRequest, EmulatorReply?> nextReply)
    {
        if (!string.Equals(request.Path, dialect.ChatCompletionsPath, StringComparison.Ordinal))
        {
            return dialect.RouteNotFound(request.Method, request.Path);
        }

        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return dialect.MethodNotAllowed(request.Method, request.Path);
        }

        if (!IsAuthorized(request))
        {
            return dialect.Unauthorized();
        }

        JsonElement body = request.Json;
        if (body.ValueKind != JsonValueKind.Object)
        {
            return dialect.InvalidJson(body.ValueKind == JsonValueKind.Undefined ? "the body is not JSON" : "the body is not a JSON object");
        }

        // Every dialect: the SDK must never put extra_body on the wire (see the message for why the emulator is stricter than servers).
        if (body.TryGetProperty("extra_body", out _))
        {
            return dialect.Error(400, EmulatorDialect.ExtraBodyMessage);
        }

        if (RequestShape.Check(body, dialect.RequiresModel) is { } problem)
        {
            return dialect.InvalidRequest(problem);
        }

        if (request.Model is { } model && !IsAccepted(model))
        {
            return dialect.UnknownModel(model);
        }

        if (dialect.ReadThinking(body, out EmulatedThinking thinking) is { } invalidThinking)
        {
            return invalidThinking;
        }

        var context = new ChatRequestContext(request, request.Model ?? AcceptedModel(), thinking);
        EmulatorResponse? rejection = dialect.Validate(context)
            ?? dialect.CheckContext(context.PromptTokens, context.MaxCompletionTokens, options.ContextWindow);
        if (rejection is not null)
        {
            return rejection;
        }

        EmulatorReply reply = nextReply(request) ?? DefaultReply(request);
        var identity = new CompletionIdentity("chatcmpl-emu-" + sequence.ToString("D4", CultureInfo.InvariantCulture), CreatedBase + sequence, context.Model);
        return ReplyRenderer.Render(dialect, context, reply, identity);
    }

    /// <summary>The deterministic default answer: it echoes the last user message. Reasoning is dropped by the renderer when thinking is off.</summary>
    internal static EmulatorReply DefaultReply(EmulatorRequest request)
    {
        string question = request.LastUserText is { Length: > 0 } text ? text : "(no user message)";
        return EmulatorReply.FromText(
            "Emulated Kimi answer: " + Truncate(question, 80),
            $"The user asked about \"{Truncate(question, 40)}\". I will answer briefly.");
    }

    private static string Truncate(string text, int length)
    {
        text = text.ReplaceLineEndings(" ").Trim();
        if (text.Length <= length)
        {
            return text;
        }

        int cut = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return string.Concat(text.AsSpan(0, cut).TrimEnd(), "...");
    }

    private bool IsAuthorized(EmulatorRequest request)
    {
        string? key = options.ApiKey;
        if (key is null && !dialect.RequiresBearerWithoutKey)
        {
            return true;
        }

        if (!request.Headers.TryGetValue("Authorization", out string? authorization)
            || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string token = authorization["Bearer ".Length..].Trim();
        return key is null ? token.Length > 0 : string.Equals(token, key, StringComparison.Ordinal);
    }

    private bool IsAccepted(string model)
    {
        foreach (string accepted in options.AcceptedModels)
        {
            if (string.Equals(accepted, model, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private string AcceptedModel() => options.AcceptedModels.Count > 0 ? options.AcceptedModels[0] : dialect.DefaultModel;
}
