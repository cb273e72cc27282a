using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Kimi.Client.AI;

/// <summary>Turns <see cref="ChatCompletion"/>s and streamed updates into Microsoft.Extensions.AI responses.</summary>
internal static class ChatResponseMapper
{
    public static ChatResponse ToChatResponse(ChatCompletion completion, bool hideReasoning)
    {
        var contents = new List<AIContent>();
        if (completion.Reasoning is { } reasoning)
        {
            contents.Add(ToReasoningContent(reasoning, completion.ReasoningOrigin, hideReasoning));
        }

        if (completion.Text.Length > 0)
        {
            contents.Add(new TextContent(completion.Text));
        }

        AddFunctionCalls(contents, completion);

        var message = new ChatMessage(ChatRole.Assistant, contents)
        {
            MessageId = completion.Id,
            CreatedAt = completion.Created,
            RawRepresentation = completion,
        };
        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.Created,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = ToUsage(completion.Usage),
            RawRepresentation = completion,
            AdditionalProperties = ToResponseProperties(completion),
        };
    }

    /// <summary>
    /// Streams reasoning and text deltas as they arrive, then one last update with the assembled tool calls (function
    /// invocation needs whole calls), the usage, the finish reason and, when hidden, the reasoning kept for the echo.
    /// </summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> ToUpdatesAsync(
        StreamingChatCompletion stream, bool hideReasoning, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reasoningSeen = false;
        await foreach (var update in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            List<AIContent>? contents = null;

            // An empty first delta still marks reasoning as present (""), later empty ones carry nothing.
            if (!hideReasoning && update.ReasoningDelta is { } delta && (delta.Length > 0 || !reasoningSeen))
            {
                var content = new TextReasoningContent(delta);
                if (!reasoningSeen)
                {
                    // Coalescing keeps the first item's properties: the origin rides on the first delta only.
                    content.AdditionalProperties = ToOriginProperties(update.Metadata.Origin);
                    reasoningSeen = true;
                }

                (contents ??= []).Add(content);
            }

            if (update.ContentDelta is { Length: > 0 } text)
            {
                (contents ??= []).Add(new TextContent(text));
            }

            if (contents is not null)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, contents)
                {
                    ResponseId = update.Id,
                    MessageId = update.Id,
                    ModelId = update.Model,
                    CreatedAt = update.Created,
                    RawRepresentation = update,
                    AdditionalProperties = ToUpdateProperties(update),
                };
            }
        }

        if (stream.Completion is not { } completion)
        {
            yield break;
        }

        var final = new List<AIContent>();
        if (hideReasoning && completion.Reasoning is { } reasoning)
        {
            final.Add(ToReasoningContent(reasoning, completion.ReasoningOrigin, hidden: true));
        }

        AddFunctionCalls(final, completion);

        if (ToUsage(completion.Usage) is { } usage)
        {
            final.Add(new UsageContent(usage));
        }

        yield return new ChatResponseUpdate(ChatRole.Assistant, final)
        {
            ResponseId = completion.Id,
            MessageId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.Created,
            FinishReason = ToFinishReason(completion.FinishReason),
            RawRepresentation = completion,
            AdditionalProperties = ToResponseProperties(completion),
        };
    }

    /// <summary>
    /// Reasoning as a <see cref="TextReasoningContent"/> marked with its origin. Hidden reasoning has empty text and keeps
    /// the reasoning in <see cref="TextReasoningContent.ProtectedData"/>: middleware keeps it in history, callers don't show it.
    /// </summary>
    internal static TextReasoningContent ToReasoningContent(string reasoning, ReasoningOrigin? origin, bool hidden)
    {
        var content = hidden ? new TextReasoningContent(string.Empty) { ProtectedData = reasoning } : new TextReasoningContent(reasoning);
        content.AdditionalProperties = ToOriginProperties(origin);
        if (hidden)
        {
            (content.AdditionalProperties ??= [])[KimiPropertyNames.ReasoningHidden] = true;
        }

        return content;
    }

    private static AdditionalPropertiesDictionary? ToOriginProperties(ReasoningOrigin? origin)
    {
        if (origin is null)
        {
            return null;
        }

        var properties = new AdditionalPropertiesDictionary
        {
            [KimiPropertyNames.ReasoningDialect] = origin.Dialect,
            [KimiPropertyNames.ReasoningModel] = origin.Model,
        };
        if (origin.Upstream is { } upstream)
        {
            properties[KimiPropertyNames.ReasoningUpstream] = upstream;
        }

        return properties;
    }

    private static AdditionalPropertiesDictionary? ToUpdateProperties(ChatCompletionUpdate update)
    {
        if (!update.ReasoningReclassifiedAsText && update.AdditionalProperties is null)
        {
            return null;
        }

        var properties = new AdditionalPropertiesDictionary();
        if (update.AdditionalProperties is { } unknown)
        {
            foreach (var (key, value) in unknown)
            {
                properties[key] = value;
            }
        }

        if (update.ReasoningReclassifiedAsText)
        {
            properties[KimiPropertyNames.ReasoningReclassifiedAsText] = true;
        }

        return properties;
    }

    private static AdditionalPropertiesDictionary? ToResponseProperties(ChatCompletion completion)
    {
        AdditionalPropertiesDictionary? properties = null;
        if (completion.AdditionalProperties is { } unknown)
        {
            properties = [];
            foreach (var (key, value) in unknown)
            {
                properties[key] = value; // the fields the SDK does not read, as JSON, by path (as MEAI's OpenAI client keeps them)
            }
        }

        Add(KimiPropertyNames.RequestId, completion.RequestId);
        Add(KimiPropertyNames.UpstreamProvider, completion.UpstreamProvider);
        Add(KimiPropertyNames.NativeFinishReason, completion.NativeFinishReason);
        if (completion.Usage?.Cost is { } cost)
        {
            (properties ??= [])[KimiPropertyNames.Cost] = cost;
        }

        return properties;

        void Add(string key, string? value)
        {
            if (value is not null)
            {
                (properties ??= [])[key] = value;
            }
        }
    }

    /// <summary>The turn's calls; the first also carries the turn's reasoning (<see cref="KimiPropertyNames.ToolTurnReasoning"/>).</summary>
    private static void AddFunctionCalls(List<AIContent> contents, ChatCompletion completion)
    {
        foreach (var call in completion.ToolCalls)
        {
            var content = ToFunctionCall(call);
            if (call == completion.ToolCalls[0] && (completion.Reasoning is not null || completion.ReasoningDetails is not null))
            {
                var properties = ToOriginProperties(completion.ReasoningOrigin) ?? [];
                if (completion.Reasoning is { } reasoning)
                {
                    properties[KimiPropertyNames.ToolTurnReasoning] = reasoning;
                }

                if (completion.ReasoningDetails is { } details)
                {
                    properties[KimiPropertyNames.ReasoningDetails] = details.GetRawText(); // text: survives any serializer verbatim
                }

                content.AdditionalProperties = properties;
            }

            contents.Add(content);
        }
    }

    internal static FunctionCallContent ToFunctionCall(ToolCall call)
    {
        var content = new FunctionCallContent(call.Id, call.Name) { RawRepresentation = call };
        var problem = call.ArgumentsError;
        if (problem is null)
        {
            try
            {
                content.Arguments = ParseArguments(call.Arguments, out problem);
            }
            catch (JsonException ex)
            {
                problem = ex.Message;
            }
        }

        if (problem is not null)
        {
            // FunctionInvokingChatClient reports this back to the model instead of invoking the function.
            content.Exception = new InvalidOperationException(
                $"The model's arguments for '{call.Name}' (call '{call.Id}') could not be read: {problem} Arguments: {call.Arguments}");
        }

        return content;
    }

    private static Dictionary<string, object?>? ParseArguments(string arguments, out string? problem)
    {
        problem = null;
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return result; // a function without parameters
        }

        using var document = JsonDocument.Parse(arguments);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            problem = "The arguments are not a JSON object.";
            return null;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.Clone();
        }

        return result;
    }

    internal static ChatFinishReason? ToFinishReason(FinishReason? reason)
    {
        if (reason is not { } value)
        {
            return null;
        }

        if (value == FinishReason.Stop)
        {
            return ChatFinishReason.Stop;
        }

        if (value == FinishReason.Length)
        {
            return ChatFinishReason.Length;
        }

        if (value == FinishReason.ToolCalls)
        {
            return ChatFinishReason.ToolCalls;
        }

        if (value == FinishReason.ContentFilter)
        {
            return ChatFinishReason.ContentFilter;
        }

        // ChatFinishReason rejects blank values; a blank raw value is kept on RawRepresentation only.
        return string.IsNullOrWhiteSpace(value.Value) ? null : new ChatFinishReason(value.Value);
    }

    internal static UsageDetails? ToUsage(TokenUsage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.InputTokens,
        OutputTokenCount = usage.OutputTokens,
        TotalTokenCount = usage.TotalTokens,
        CachedInputTokenCount = usage.CachedInputTokens,
        ReasoningTokenCount = usage.ReasoningTokens,
    };
}
