using System.Globalization;
using System.Text.Json;
using Kimi.Client.Testing.Dialects;

namespace Kimi.Client.Testing.Processing;

/// <summary>
/// The emulated <c>POST {base}/chat/completions</c>: route, auth, body shape, model, thinking switch, the dialect's own rules,
/// context window, and only then the reply. Scripted replies are therefore consumed only by requests the provider would accept.
/// </summary>
internal sealed class ChatCompletionsEndpoint(EmulatorDialect dialect, KimiEmulatorOptions options, EmulatedFiles files)
{
    // A fixed creation time keeps responses byte-for-byte reproducible.
    private const long CreatedBase = 1767225600;

    private readonly PrefixCache _prefixCache = new();

    public EmulatorDialect Dialect => dialect;

    /// <param name="request">The recorded request.</param>
    /// <param name="sequence">The 1-based number of the request, used for deterministic ids.</param>
    /// <param name="nextReply">Returns the scripted reply for a request that passed every check, or <see langword="null"/> for the default.</param>
    public EmulatorResponse Handle(EmulatorRequest request, int sequence, Func<EmulatorRequest, EmulatorReply?> nextReply)
    {
        EmulatorResponse response = HandleCore(request, sequence, nextReply);
        if (dialect.RequestIdHeader is { } header && !options.Deviations.Contains(EmulatorDeviation.NoRequestIdHeader)
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
            return options.Deviations.Contains(EmulatorDeviation.UnknownErrorEnvelope) ? DeviationRules.UnknownEnvelope() : dialect.Unauthorized();
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
            return options.Deviations.Contains(EmulatorDeviation.UnknownModelServerError) ? dialect.Error(500, "Internal server error") : dialect.UnknownModel(model);
        }

        if (DeviationRules.CheckRequest(dialect, body, options.Deviations) is { } deviated)
        {
            return deviated;
        }

        if (dialect.ReadThinking(body, out EmulatedThinking thinking) is { } invalidThinking)
        {
            return invalidThinking;
        }

        var context = new ChatRequestContext(request, request.Model ?? AcceptedModel(), thinking) { Deviations = options.Deviations };
        EmulatorResponse? rejection = MediaParts.Check(dialect, context, files)
            ?? DeviationRules.CheckSampling(dialect, context)
            ?? dialect.Validate(context)
            ?? dialect.CheckContext(context.PromptTokens, context.MaxCompletionTokens, options.ContextWindow);
        if (rejection is not null)
        {
            return rejection;
        }

        EmulatorReply reply = nextReply(request) ?? DefaultReply(request);
        if (options.PrefixCaching && reply.StatusCode is null && !context.Has(EmulatorDeviation.NoCachedTokens))
        {
            // Every answered request updates its conversation's entry, so the next one is compared with this one.
            context.CachedTokens = _prefixCache.Lookup(context, reply.PromptTokens ?? context.PromptTokens);
        }

        var identity = new CompletionIdentity("chatcmpl-emu-" + sequence.ToString("D4", CultureInfo.InvariantCulture), CreatedBase + sequence, context.Model);
        return ReplyRenderer.Render(dialect, context, reply, identity);
    }

    /// <summary>The deterministic default answer: it echoes the last user message. Reasoning is dropped by the renderer when thinking is off.</summary>
    internal static EmulatorReply DefaultReply(EmulatorRequest request)
    {
        if (ProbeAnswers.Answer(request) is { } probe)
        {
            return probe; // the verifier's fixed prompts get a cooperative model's answer
        }

        string question = request.LastUserText is { Length: > 0 } text ? text : "(no user message)";
        return EmulatorReply.FromText(
            "Emulated Kimi answer: " + Truncate(question, 80) + MediaSeen(request.Json),
            $"The user asked about \"{Truncate(question, 40)}\". I will answer briefly.");
    }

    /// <summary>Names the images and videos of the last user message, so a vision call's default answer shows what arrived.</summary>
    private static string MediaSeen(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        int lastUser = -1, index = 0;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            if (message.TryGetProperty("role", out JsonElement role) && role.ValueKind == JsonValueKind.String && role.ValueEquals("user"))
            {
                lastUser = index;
            }

            index++;
        }

        var seen = new List<string>();
        foreach (EmulatedMediaPart part in MediaParts.Find(messages))
        {
            if (part.MessageIndex == lastUser)
            {
                int comma = part.Url.IndexOf(',', StringComparison.Ordinal);
                seen.Add(part.DataMediaType is { } type && comma > 0
                    ? $"{part.Kind} {type}, {(part.Url.Length - comma - 1) / 4 * 3 - part.Url.AsSpan(comma + 1).Count('=')} bytes"
                    : $"{part.Kind} {(part.IsFileId ? part.Url : Truncate(part.Url, 60))}");
            }
        }

        return seen.Count == 0 ? string.Empty : $" [received: {string.Join("; ", seen)}]";
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

    private bool IsAuthorized(EmulatorRequest request) => BearerAuth.IsAuthorized(dialect, options, request.Headers);

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
