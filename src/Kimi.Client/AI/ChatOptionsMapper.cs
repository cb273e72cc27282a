using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Kimi.Client.AI;

#pragma warning disable CA2208 // Argument exceptions name the public method's parameter (options), validated here.

/// <summary>Turns Microsoft.Extensions.AI <see cref="ChatOptions"/> into <see cref="ChatCompletionOptions"/>.</summary>
internal static class ChatOptionsMapper
{
    /// <summary>Maps the options; values already set on a <see cref="ChatOptions.RawRepresentationFactory"/> result win.</summary>
    public static ChatCompletionOptions? ToCompletionOptions(IChatClient chatClient, KimiClient client, ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        if (options.ModelId is { Length: > 0 } modelId && !string.Equals(modelId, client.Model, StringComparison.Ordinal))
        {
            throw new NotSupportedException(
                $"ChatOptions.ModelId is '{modelId}' but this client calls '{client.Model}'. A KimiClient is bound to one model: create " +
                "one per model (KimiClientOptions.Model), or leave ChatOptions.ModelId unset.");
        }

        var result = options.RawRepresentationFactory?.Invoke(chatClient) as ChatCompletionOptions ?? new ChatCompletionOptions();
        result.MaxOutputTokens ??= options.MaxOutputTokens;
        result.Temperature ??= options.Temperature;
        result.TopP ??= options.TopP;
        result.PresencePenalty ??= options.PresencePenalty;
        result.FrequencyPenalty ??= options.FrequencyPenalty;
        result.Seed ??= options.Seed;
        if (options.StopSequences is { Count: > 0 } stops && result.StopSequences.Count == 0)
        {
            foreach (var stop in stops)
            {
                result.StopSequences.Add(stop);
            }
        }

        result.ResponseFormat ??= ToResponseFormat(options.ResponseFormat);
        AddTools(result, options.Tools);
        result.ToolChoice ??= ToToolChoice(options.ToolMode);
        result.Thinking ??= ToThinking(options);
        result.SessionId ??= ReadString(options.AdditionalProperties, KimiPropertyNames.SessionId);
        result.EndUserId ??= ReadString(options.AdditionalProperties, KimiPropertyNames.EndUserId);
        AddExtras(result, options.AdditionalProperties);
        return result;
    }

    /// <summary>Whether the caller asked not to see reasoning (<see cref="ReasoningOutput.None"/>).</summary>
    public static bool HidesReasoning(ChatOptions? options) => options?.Reasoning?.Output == ReasoningOutput.None;

    internal static ResponseFormat? ToResponseFormat(ChatResponseFormat? format) => format switch
    {
        ChatResponseFormatJson { Schema: { } schema } json => ResponseFormat.ForJsonSchema(json.SchemaName ?? "response", schema, json.SchemaDescription),
        ChatResponseFormatJson => ResponseFormat.JsonObject,
        _ => null, // text is the default: nothing to send
    };

    internal static ToolChoice? ToToolChoice(ChatToolMode? mode) => mode switch
    {
        NoneChatToolMode => ToolChoice.None,
        AutoChatToolMode => ToolChoice.Auto,
        RequiredChatToolMode { RequiredFunctionName: { } name } => ToolChoice.Function(name),
        RequiredChatToolMode => ToolChoice.Required,
        _ => null,
    };

    private static void AddTools(ChatCompletionOptions result, IList<AITool>? tools)
    {
        if (tools is not { Count: > 0 })
        {
            return;
        }

        foreach (var tool in tools)
        {
            if (tool is not AIFunctionDeclaration function)
            {
                throw new NotSupportedException(
                    $"ChatOptions.Tools holds a {tool?.GetType().Name ?? "null"} ('{tool?.Name}'); Kimi's chat completions take function tools " +
                    "only (AIFunction or AIFunctionDeclaration). Remove it, or wrap the capability in an AIFunction.");
            }

            var taken = false;
            foreach (var existing in result.Tools)
            {
                taken |= existing.Name == function.Name;
            }

            if (!taken)
            {
                result.Tools.Add(function);
            }
        }
    }

    private static ThinkingMode? ToThinking(ChatOptions options)
    {
        if (options.AdditionalProperties is { } properties && properties.TryGetValue(KimiPropertyNames.Thinking, out var raw) && raw is not null)
        {
            return ParseThinking(raw);
        }

        return options.Reasoning?.Effort switch
        {
            null => null,
            ReasoningEffort.None => ThinkingMode.Disabled,
            _ => ThinkingMode.Enabled, // Kimi has no effort levels: any effort means thinking on
        };
    }

    private static ThinkingMode ParseThinking(object raw)
    {
        if (raw is ThinkingMode mode)
        {
            return mode;
        }

        var text = raw switch
        {
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => null,
        };
        if (Enum.TryParse<ThinkingMode>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _))
        {
            return parsed;
        }

        throw new ArgumentException(
            $"ChatOptions.AdditionalProperties[\"{KimiPropertyNames.Thinking}\"] is '{raw}'; use a ThinkingMode or \"enabled\", \"disabled\" or \"preserved\".",
            "options");
    }

    private static void AddExtras(ChatCompletionOptions result, AdditionalPropertiesDictionary? properties)
    {
        if (properties is not { Count: > 0 })
        {
            return;
        }

        foreach (var (key, value) in properties)
        {
            if (key.StartsWith("kimi.", StringComparison.Ordinal) || result.AdditionalProperties.ContainsKey(key))
            {
                continue; // ours, or already set on the raw options (which win)
            }

            result.AdditionalProperties[key] = ToJsonNode(key, value);
        }
    }

    private static string? ReadString(AdditionalPropertiesDictionary? properties, string key) =>
        properties is not null && properties.TryGetValue(key, out var value) ? value switch
        {
            null => null,
            string text => text,
            JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
            _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{key}\"] must be a string; got a {value.GetType().Name}.", "options"),
        } : null;

    /// <summary>Converts an additional property to JSON without reflection (primitives and JSON directly, others through MEAI's contracts).</summary>
    internal static JsonNode? ToJsonNode(string key, object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case JsonNode node:
                return node.DeepClone();
            case JsonElement element:
                return element.ValueKind switch
                {
                    JsonValueKind.Object => JsonObject.Create(element),
                    JsonValueKind.Array => JsonArray.Create(element),
                    JsonValueKind.Undefined or JsonValueKind.Null => null,
                    _ => JsonValue.Create(element),
                };
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int i:
                return JsonValue.Create(i);
            case long l:
                return JsonValue.Create(l);
            case double d:
                return JsonValue.Create(d);
            case float f:
                return JsonValue.Create(f);
            case decimal m:
                return JsonValue.Create(m);
        }

        try
        {
            return JsonSerializer.SerializeToNode(value, KimiJson.Options.GetTypeInfo(value.GetType()));
        }
        catch (NotSupportedException ex)
        {
            throw new NotSupportedException(
                $"ChatOptions.AdditionalProperties[\"{key}\"] is a {value.GetType().Name}, which has no JSON contract in AIJsonUtilities.DefaultOptions " +
                "(reflection is off under Native AOT). Pass a JsonNode, a JsonElement or a primitive instead.", ex);
        }
    }
}
