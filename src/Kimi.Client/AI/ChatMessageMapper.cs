using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace Kimi.Client.AI;


/// <summary>Turns Microsoft.Extensions.AI chat messages into <see cref="KimiMessage"/>s, keeping reasoning and tool-call ids.</summary>
internal static class ChatMessageMapper
{
    private static JsonTypeInfo<IDictionary<string, object?>> ArgumentsTypeInfo =>
        (JsonTypeInfo<IDictionary<string, object?>>)KimiJson.Options.GetTypeInfo(typeof(IDictionary<string, object?>));

    public static List<KimiMessage> ToKimiMessages(IEnumerable<ChatMessage> messages, string? instructions)
    {
        var result = new List<KimiMessage>();
        if (!string.IsNullOrEmpty(instructions))
        {
            result.Add(KimiMessage.System(instructions));
        }

        var index = 0;
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new ArgumentException($"Chat message {index} is null.", nameof(messages));
            }

            Add(result, message, index++);
        }

        return result;
    }

    private static void Add(List<KimiMessage> result, ChatMessage message, int index)
    {
        var role = ToRole(message.Role, index);
        var kimi = new KimiMessage(role) { Name = message.AuthorName };
        StringBuilder? reasoning = null;
        ReasoningOrigin? origin = null;
        FunctionCallContent? firstCall = null;
        List<KimiMessage>? toolResults = null;
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    kimi.Parts.Add(new TextPart(text.Text ?? string.Empty));
                    break;
                case TextReasoningContent thought when role == MessageRole.Assistant:
                    (reasoning ??= new StringBuilder()).Append(ReadReasoning(thought, ref origin));
                    break;
                case FunctionCallContent call:
                    firstCall ??= call;
                    kimi.ToolCalls.Add(ToToolCall(call));
                    break;
                case FunctionResultContent toolResult:
                    (toolResults ??= []).Add(ToolResultContent.From(toolResult.Result, ToResultText).ToMessage(toolResult.CallId, name: null));
                    break;
                case DataContent data:
                    kimi.Parts.Add(ToMediaPart(data.MediaType, index, uri: null, data));
                    break;
                case UriContent uri:
                    kimi.Parts.Add(ToMediaPart(uri.MediaType, index, uri.Uri, data: null));
                    break;
                case HostedFileContent file:
                    throw new NotSupportedException(
                        $"Chat message {index} holds a hosted file ('{file.FileId}'), which Kimi cannot read by id. For a file uploaded to the host's files API, " +
                        "send new UriContent(new Uri(\"ms://<file-id>\"), \"image/png\") (or a video media type); otherwise send the bytes as DataContent.");
                default:
                    // Reasoning on non-assistant turns, usage, errors and middleware-only contents are not for the model.
                    break;
            }
        }

        if (reasoning is not null)
        {
            kimi.Reasoning = reasoning.ToString();
            kimi.ReasoningOrigin = origin;
        }
        else if (role == MessageRole.Assistant && firstCall is not null
            && TryGetString(firstCall.AdditionalProperties, KimiPropertyNames.ToolTurnReasoning, out var carried))
        {
            // The reasoning content was dropped on the way (a workflow handing the turn to another agent); the call kept it.
            kimi.Reasoning = carried;
            _ = ReadReasoningOrigin(firstCall.AdditionalProperties, ref origin);
            kimi.ReasoningOrigin = origin;
        }

        if (role == MessageRole.Assistant && firstCall is not null && TryGetString(firstCall.AdditionalProperties, KimiPropertyNames.ReasoningDetails, out var details))
        {
            kimi.ReasoningDetails = ParseDetails(details, index);
            if (kimi.ReasoningOrigin is null && ReadReasoningOrigin(firstCall.AdditionalProperties, ref origin))
            {
                kimi.ReasoningOrigin = origin;
            }
        }

        MergeTextParts(kimi);
        if (toolResults is null || kimi.Parts.Count > 0 || kimi.ToolCalls.Count > 0 || reasoning is not null)
        {
            result.Add(kimi);
        }

        if (toolResults is not null)
        {
            result.AddRange(toolResults);
        }
    }

    private static MessageRole ToRole(ChatRole role, int index)
    {
        if (role == ChatRole.User)
        {
            return MessageRole.User;
        }

        if (role == ChatRole.Assistant)
        {
            return MessageRole.Assistant;
        }

        if (role == ChatRole.Tool)
        {
            return MessageRole.Tool;
        }

        if (role == ChatRole.System || string.Equals(role.Value, "developer", StringComparison.OrdinalIgnoreCase))
        {
            return MessageRole.System;
        }

        throw new NotSupportedException($"Chat message {index} has the role '{role.Value}'; Kimi knows system, user, assistant and tool.");
    }

    /// <summary>Reasoning text as Kimi wants it back: ours (marked) may be hidden in ProtectedData; anyone else's is taken as text.</summary>
    private static string ReadReasoning(TextReasoningContent content, ref ReasoningOrigin? origin)
    {
        var properties = content.AdditionalProperties;
        _ = ReadReasoningOrigin(properties, ref origin);

        // Another provider's ProtectedData (for example an encrypted blob) must never reach Kimi: only ours is read.
        return IsTrue(properties, KimiPropertyNames.ReasoningHidden) && content.ProtectedData is { } hidden ? hidden : content.Text ?? string.Empty;
    }

    private static bool ReadReasoningOrigin(AdditionalPropertiesDictionary? properties, ref ReasoningOrigin? origin)
    {
        if (origin is null
            && TryGetString(properties, KimiPropertyNames.ReasoningDialect, out var dialect)
            && TryGetString(properties, KimiPropertyNames.ReasoningModel, out var model))
        {
            origin = new ReasoningOrigin(dialect, model) { Upstream = TryGetString(properties, KimiPropertyNames.ReasoningUpstream, out var upstream) ? upstream : null };
            return true;
        }

        return false;
    }

    private static JsonElement ParseDetails(string json, int index)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Chat message {index} carries {KimiPropertyNames.ReasoningDetails} that is not JSON ({ex.Message}); keep the value Kimi.Client put there.", nameof(json), ex);
        }
    }

    private static ToolCall ToToolCall(FunctionCallContent call)
    {
        // Our own calls keep the model's exact argument text (and a verbatim id): re-serializing could reorder or reformat it.
        if (call.RawRepresentation is ToolCall raw && raw.Id == call.CallId && raw.Name == call.Name)
        {
            return raw;
        }

        var arguments = call.Arguments is null ? "{}" : JsonSerializer.Serialize(call.Arguments, ArgumentsTypeInfo);
        return new ToolCall(call.CallId, call.Name, arguments);
    }

    internal static string ToResultText(object? result) => result switch
    {
        string text => text,
        JsonElement element => element.GetRawText(),
        TextContent text => text.Text ?? string.Empty,
        null => "null",
        _ => JsonSerializer.Serialize(result, KimiJson.Options.GetTypeInfo(result.GetType())),
    };

    private static MediaPart ToMediaPart(string? mediaType, int index, Uri? uri, DataContent? data)
    {
        var kind = mediaType is null ? null : mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? "image"
            : mediaType.StartsWith("video/", StringComparison.OrdinalIgnoreCase) ? "video" : null;
        switch (kind)
        {
            case "image" when data is not null:
                return ImagePart.FromBytes(data.Data, data.MediaType);
            case "video" when data is not null:
                return VideoPart.FromBytes(data.Data, data.MediaType);
            case "image":
                return ImagePart.FromUri(uri!);
            case "video":
                return VideoPart.FromUri(uri!);
            default:
                throw new NotSupportedException(
                    $"Chat message {index} holds {(data is null ? "a URL" : "data")} of media type '{mediaType}'; Kimi reads text, images " +
                    "(image/*) and videos (video/*). Extract the text of documents yourself, or set the right media type.");
        }
    }

    /// <summary>All-text messages become one text part, so they go out as a plain string (as every host accepts).</summary>
    private static void MergeTextParts(KimiMessage message)
    {
        var parts = message.Parts;
        if (parts.Count < 2)
        {
            return;
        }

        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is not TextPart textPart)
            {
                return;
            }

            text.Append(textPart.Text);
        }

        parts.Clear();
        parts.Add(new TextPart(text.ToString()));
    }

    internal static bool TryGetString(AdditionalPropertiesDictionary? properties, string key, out string value)
    {
        value = string.Empty;
        if (properties is null || !properties.TryGetValue(key, out var raw))
        {
            return false;
        }

        // After a JSON round trip (a persisted history) values come back as JsonElement.
        var text = raw switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        value = text;
        return true;
    }

    private static bool IsTrue(AdditionalPropertiesDictionary? properties, string key) =>
        properties is not null && properties.TryGetValue(key, out var raw) && raw switch
        {
            bool b => b,
            JsonElement e => e.ValueKind == JsonValueKind.True,
            string s => bool.TryParse(s, out var parsed) && parsed,
            _ => false,
        };
}
