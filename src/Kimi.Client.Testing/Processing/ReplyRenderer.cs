using System.Text;
using System.Text.Json;
using Kimi.Client.Testing.Dialects;

namespace Kimi.Client.Testing.Processing;

/// <summary>Turns an <see cref="EmulatorReply"/> into a dialect's <c>chat.completion</c> body or SSE stream.</summary>
internal sealed class ReplyRenderer
{
    private const int ArgumentFragmentLength = 8;

    private readonly EmulatorDialect _dialect;
    private readonly ChatRequestContext _request;
    private readonly CompletionIdentity _identity;

    private ReplyRenderer(EmulatorDialect dialect, ChatRequestContext request, CompletionIdentity identity)
    {
        _dialect = dialect;
        _request = request;
        _identity = identity;
    }

    public static EmulatorResponse Render(EmulatorDialect dialect, ChatRequestContext request, EmulatorReply reply, CompletionIdentity identity)
    {
        EmulatorResponse response;
        if (reply.StatusCode is int statusCode)
        {
            byte[] body = Encoding.UTF8.GetBytes(reply.ErrorBody ?? string.Empty);
            response = EmulatorResponse.Raw(statusCode, body.Length > 0 ? EmulatorResponse.JsonContentType : null, body);
        }
        else
        {
            var renderer = new ReplyRenderer(dialect, request, identity);
            Answer answer = renderer.Resolve(reply);
            response = request.Stream ? renderer.Stream(answer, reply.Fault) : renderer.Complete(answer);
        }

        response.Delay = reply.Delay ?? TimeSpan.Zero;
        foreach (KeyValuePair<string, string> header in reply.Headers)
        {
            response.SetHeader(header.Key, header.Value);
        }

        return response;
    }

    private Answer Resolve(EmulatorReply reply)
    {
        string? reasoning = null;
        string? content = reply.Text;
        switch (_request.Thinking.Mode)
        {
            case EmulatedThinkingMode.Off when _request.Has(EmulatorDeviation.ThinkingOffIgnored):
                reasoning = reply.Reasoning ?? "x"; // the switch did nothing
                break;
            case EmulatedThinkingMode.On:
                reasoning = reply.Reasoning ?? (_dialect.WritesEmptyReasoning ? string.Empty : null);
                break;
            case EmulatedThinkingMode.LeaksIntoContent when reply.Reasoning is not null:
                // No reasoning parser: the raw "<reasoning></think><answer>" arrives as content.
                content = reply.Reasoning + "</think>" + reply.Text;
                break;
        }

        if (_request.Has(EmulatorDeviation.ThinkingOnIgnored))
        {
            reasoning = null;
        }

        var calls = new List<ResolvedToolCall>(reply.ToolCalls.Count);
        int toolTokens = 0;
        foreach (EmulatorToolCall call in _request.Has(EmulatorDeviation.NeverCallsTools) ? [] : reply.ToolCalls)
        {
            string id = _request.Has(EmulatorDeviation.ToolCallIdsRewritten)
                ? "call_x" + (_request.PriorToolCalls + calls.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : call.Id ?? _dialect.ToolCallId(call.Name, _request.PriorToolCalls + calls.Count);
            string arguments = _request.Has(EmulatorDeviation.InvalidToolArguments) ? BreakSchema(call.Arguments) : call.Arguments;
            calls.Add(new(id, call.Name, arguments));
            toolTokens += TokenEstimate.Of(call.Name) + TokenEstimate.Of(arguments);
        }

        if (reply.ToolCalls.Count > 0 && calls.Count == 0)
        {
            content ??= "I will answer without using a tool."; // NeverCallsTools
        }

        if ((!_dialect.HasReasoningParser && _request.Thinking.Mode == EmulatedThinkingMode.On) || (_request.Has(EmulatorDeviation.ReasoningInline) && reasoning is not null))
        {
            // The template opened <think> in the prompt: the output is the reasoning, " </think> ", then the answer, with the
            // detokeniser's spaces around the tag as recorded (vllm-sglang.md, KTransformers). The server counts no reasoning tokens.
            content = " " + (string.IsNullOrEmpty(reasoning) ? string.Empty : reasoning + " ") + "</think> " + content;
            reasoning = null;
        }

        string? finishReason = reply.FinishReason;
        if (_request.Has(EmulatorDeviation.ToolCallsFinishWithStop) && calls.Count > 0)
        {
            finishReason ??= "stop";
        }

        if ((!_dialect.HasToolCallParser || _request.Has(EmulatorDeviation.ToolCallsAsText)) && calls.Count > 0)
        {
            // No tool parser: the section is text, tool_calls stays empty and the turn ends with "stop".
            content = (string.IsNullOrEmpty(content) || char.IsWhiteSpace(content[^1]) ? content : content + " ") + ToolSection(calls);
            calls.Clear();
            toolTokens = 0; // counted with the content now
            finishReason ??= "stop";
        }

        content ??= calls.Count > 0 ? _dialect.ToolCallOnlyContent : string.Empty;
        int reasoningTokens = reply.ReasoningTokens ?? TokenEstimate.Of(reasoning);
        var usage = new UsageCounts(
            (reply.PromptTokens ?? _request.PromptTokens) + (_request.Stream && _request.Has(EmulatorDeviation.StreamPromptTokensInflated) ? 10 : 0),
            reply.CompletionTokens ?? TokenEstimate.Of(content) + toolTokens + reasoningTokens,
            reasoningTokens,
            _request.Has(EmulatorDeviation.NoCachedTokens) ? 0 : reply.CachedTokens ?? _request.CachedTokens);
        return new(content, reasoning, calls, finishReason ?? (calls.Count > 0 ? "tool_calls" : "stop"), usage);
    }

    private string ReasoningField => _request.Has(EmulatorDeviation.ReasoningInOtherField)
        ? (_dialect.ReasoningField == "reasoning" ? "reasoning_content" : "reasoning")
        : _dialect.ReasoningField;

    // The dialect's own shape (OpenRouter adds reasoning_details), unless the verifier's deviation moves it to the other field.
    private void WriteReasoning(Utf8JsonWriter writer, string reasoning)
    {
        if (_request.Has(EmulatorDeviation.ReasoningInOtherField))
        {
            writer.WriteString(ReasoningField, reasoning);
        }
        else
        {
            _dialect.WriteReasoning(writer, reasoning);
        }
    }

    /// <summary>The arguments with their first string value replaced by the number 5: valid JSON that breaks the schema.</summary>
    private static string BreakSchema(string arguments)
    {
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(arguments) as System.Text.Json.Nodes.JsonObject;
            var first = node?.FirstOrDefault(static property => property.Value?.GetValueKind() == JsonValueKind.String);
            if (node is null || first is not { Key: { } key })
            {
                return arguments;
            }

            node[key] = 5;
            return node.ToJsonString();
        }
        catch (JsonException)
        {
            return arguments;
        }
    }

    /// <summary>Kimi's tool-call section as text, spaced as a detokeniser writes it (recorded, vybestack/llxprt-code#749).</summary>
    private static string ToolSection(IEnumerable<ResolvedToolCall> calls)
    {
        var section = new StringBuilder("<|tool_calls_section_begin|>");
        foreach (ResolvedToolCall call in calls)
        {
            section.Append(" <|tool_call_begin|> ").Append(call.Id).Append(" <|tool_call_argument_begin|> ").Append(call.Arguments).Append(" <|tool_call_end|>");
        }

        return section.Append(" <|tool_calls_section_end|>").ToString();
    }

    private EmulatorResponse Complete(Answer answer) => EmulatorResponse.Json(200, JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        _dialect.WriteEnvelope(writer, _identity, "chat.completion");
        writer.WriteStartArray("choices");
        writer.WriteStartObject();
        writer.WriteNumber("index", 0);
        writer.WriteStartObject("message");
        writer.WriteString("role", "assistant");
        writer.WriteString("content", answer.Content);
        if (answer.Reasoning is not null)
        {
            WriteReasoning(writer, answer.Reasoning);
        }

        if (answer.ToolCalls.Count > 0 || _dialect.AlwaysWritesToolCalls)
        {
            writer.WriteStartArray("tool_calls");
            foreach (ResolvedToolCall call in answer.ToolCalls)
            {
                writer.WriteStartObject();
                writer.WriteString("id", call.Id);
                writer.WriteString("type", "function");
                writer.WriteStartObject("function");
                writer.WriteString("name", call.Name);
                writer.WriteString("arguments", call.Arguments);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        _dialect.WriteChoiceEnd(writer, answer.FinishReason, ChoicePosition.Message);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WritePropertyName("usage");
        _dialect.WriteUsage(writer, answer.Usage);
        writer.WriteEndObject();
    }));

    private EmulatorResponse Stream(Answer answer, EmulatorStreamFault? fault)
    {
        var chunks = new List<byte[]>();
        void Delta(Action<Utf8JsonWriter> fields) => chunks.Add(Chunk(writer =>
        {
            writer.WriteStartObject("delta");
            if (chunks.Count == 0)
            {
                writer.WriteString("role", "assistant");
            }

            fields(writer);
            writer.WriteEndObject();
        }, finishReason: null, ChoicePosition.Delta, choiceUsage: null, topUsage: null));

        foreach (string piece in Words(answer.Reasoning))
        {
            Delta(writer =>
            {
                if (_dialect.WritesEmptyContentWithReasoning)
                {
                    writer.WriteString("content", string.Empty);
                }

                WriteReasoning(writer, piece);
            });
        }

        foreach (string piece in string.IsNullOrEmpty(answer.Content) ? [] : _dialect.ContentPieces(answer.Content))
        {
            Delta(writer => writer.WriteString("content", piece));
        }

        for (int index = 0; index < answer.ToolCalls.Count; index++)
        {
            // The first delta of a call has id, name and empty arguments; the rest carry only index and a fragment.
            ResolvedToolCall call = answer.ToolCalls[index];
            int position = _dialect.StreamedToolCallIndex(index);
            if (_dialect.StreamsWholeToolCalls)
            {
                Delta(writer => WriteToolCallDelta(writer, position, call, call.Arguments));
                continue;
            }

            Delta(writer => WriteToolCallDelta(writer, position, call, string.Empty));
            foreach (string fragment in Fragments(call.Arguments))
            {
                Delta(writer => WriteToolCallDelta(writer, position, call: null, fragment));
            }
        }

        if (chunks.Count == 0)
        {
            Delta(writer => writer.WriteString("content", string.Empty));
        }

        StreamUsagePlacement placement = _dialect.StreamUsage;
        bool noUsage = _request.Has(EmulatorDeviation.StreamUsageMissing);
        bool usageOnFinish = !noUsage && (placement == StreamUsagePlacement.TopLevelOnFinish
            || (placement == StreamUsagePlacement.TopLevelOnFinishWhenRequested && _request.IncludeUsage));
        byte[] Finish(UsageCounts? topUsage) => Chunk(
            writer =>
            {
                writer.WriteStartObject("delta");
                writer.WriteEndObject();
            },
            answer.FinishReason,
            ChoicePosition.Finish,
            choiceUsage: placement == StreamUsagePlacement.ChoiceOnFinishAndTrailingChunk && !noUsage ? answer.Usage : null,
            topUsage: topUsage);
        chunks.Add(Finish(usageOnFinish ? answer.Usage : null));
        if (_dialect.DuplicatesFinishChunk)
        {
            chunks.Add(Finish(_dialect.DuplicateFinishUsage(answer.Usage, usageOnFinish)));
        }

        if (_request.IncludeUsage && !noUsage && placement is not (StreamUsagePlacement.TopLevelOnFinish or StreamUsagePlacement.TopLevelOnFinishWhenRequested or StreamUsagePlacement.TopLevelOnRepeatedFinish))
        {
            chunks.Add(UsageChunk(answer.Usage));
        }

        EmulatorResponse stream = ApplyFault(chunks.ConvertAll(JsonText.Event), fault);
        return _dialect.StreamPreamble.Count == 0
            ? stream
            : EmulatorResponse.EventStream([.. _dialect.StreamPreamble, .. stream.Events!], stream.CutAfterEvents);
    }

    private EmulatorResponse ApplyFault(List<byte[]> events, EmulatorStreamFault? fault)
    {
        if (fault is null)
        {
            if (_request.Has(EmulatorDeviation.StreamWithoutDone))
            {
                return EmulatorResponse.EventStream(events, cutAfterEvents: false); // the connection closes after the finish chunk
            }

            events.Add(JsonText.Done);
            return EmulatorResponse.EventStream(events, cutAfterEvents: false);
        }

        int at = Math.Min(fault.AfterChunks, events.Count);
        switch (fault.Kind)
        {
            case EmulatorStreamFaultKind.Cut:
                return EmulatorResponse.EventStream(events.GetRange(0, at), cutAfterEvents: true);
            case EmulatorStreamFaultKind.MalformedChunk:
                events.Insert(at, Encoding.UTF8.GetBytes($"data: {{\"id\":\"{_identity.Id}\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"unterminated\n\n"));
                events.Add(JsonText.Done);
                return EmulatorResponse.EventStream(events, cutAfterEvents: false);
            default:
                List<byte[]> sent = events.GetRange(0, at);
                sent.Add(JsonText.Event(JsonText.Write(writer => _dialect.WriteStreamError(writer, fault.Message, _identity))));
                if (_dialect.SendsDoneAfterStreamError)
                {
                    sent.Add(JsonText.Done);
                }

                return EmulatorResponse.EventStream(sent, cutAfterEvents: false);
        }
    }

    private byte[] Chunk(Action<Utf8JsonWriter> writeDelta, string? finishReason, ChoicePosition position, UsageCounts? choiceUsage, UsageCounts? topUsage) =>
        JsonText.Write(writer =>
        {
            writer.WriteStartObject();
            _dialect.WriteEnvelope(writer, _identity, "chat.completion.chunk");
            writer.WriteStartArray("choices");
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writeDelta(writer);
            _dialect.WriteChoiceEnd(writer, finishReason, position);
            if (choiceUsage is { } inChoice)
            {
                writer.WritePropertyName("usage");
                _dialect.WriteUsage(writer, inChoice);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
            if (topUsage is { } topLevel)
            {
                writer.WritePropertyName("usage");
                _dialect.WriteUsage(writer, topLevel);
            }

            writer.WriteEndObject();
        });

    private byte[] UsageChunk(UsageCounts usage) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        _dialect.WriteEnvelope(writer, _identity, "chat.completion.chunk");
        writer.WriteStartArray("choices");
        writer.WriteEndArray();
        writer.WritePropertyName("usage");
        _dialect.WriteUsage(writer, usage);
        writer.WriteEndObject();
    });

    private static void WriteToolCallDelta(Utf8JsonWriter writer, int index, ResolvedToolCall? call, string arguments)
    {
        writer.WriteStartArray("tool_calls");
        writer.WriteStartObject();
        writer.WriteNumber("index", index);
        if (call is not null)
        {
            writer.WriteString("id", call.Id);
            writer.WriteString("type", "function");
        }

        writer.WriteStartObject("function");
        if (call is not null)
        {
            writer.WriteString("name", call.Name);
        }

        writer.WriteString("arguments", arguments);
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    /// <summary>Splits text into word-sized deltas, each word keeping the whitespace before it.</summary>
    internal static IEnumerable<string> Words(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        int start = 0;
        for (int i = 1; i < text.Length; i++)
        {
            if (char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 1]))
            {
                yield return text[start..i];
                start = i;
            }
        }

        yield return text[start..];
    }

    /// <summary>Splits tool arguments into short fragments, never between the halves of a surrogate pair.</summary>
    internal static IEnumerable<string> Fragments(string arguments)
    {
        int start = 0;
        while (start < arguments.Length)
        {
            int end = Math.Min(start + ArgumentFragmentLength, arguments.Length);
            if (end < arguments.Length && char.IsHighSurrogate(arguments[end - 1]))
            {
                end++;
            }

            yield return arguments[start..end];
            start = end;
        }
    }

    private sealed record ResolvedToolCall(string Id, string Name, string Arguments);

    private sealed record Answer(string? Content, string? Reasoning, IReadOnlyList<ResolvedToolCall> ToolCalls, string FinishReason, UsageCounts Usage);
}
