using System.Buffers;
using System.Buffers.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Kimi.Client.Serialization;

/// <summary>
/// Writes a <see cref="ChatRequest"/> as the provider's JSON into the request stream, through one pooled buffer handed to
/// the stream in pieces of about 16 KB (no per-request buffers). Every provider difference is read from the profile;
/// nothing here branches on the provider.
/// </summary>
internal static class ChatRequestWriter
{
    private const int FlushThreshold = 16 * 1024;
    private const int BufferSize = 32 * 1024; // room for a piece past the threshold plus the next message before a grow

    // Relaxed escaping: CJK and other non-ASCII text goes out as UTF-8, not as \uXXXX (which doubles the size of Chinese reasoning).
    internal static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The names and values every body writes, encoded once: the writer copies them without checking them for escapes.
    private static readonly JsonEncodedText Model = JsonEncodedText.Encode("model"u8);
    private static readonly JsonEncodedText Messages = JsonEncodedText.Encode("messages"u8);
    private static readonly JsonEncodedText Role = JsonEncodedText.Encode("role"u8);
    private static readonly JsonEncodedText Content = JsonEncodedText.Encode("content"u8);
    private static readonly JsonEncodedText SystemRole = JsonEncodedText.Encode("system"u8);
    private static readonly JsonEncodedText UserRole = JsonEncodedText.Encode("user"u8);
    private static readonly JsonEncodedText AssistantRole = JsonEncodedText.Encode("assistant"u8);
    private static readonly JsonEncodedText ToolRole = JsonEncodedText.Encode("tool"u8);
    private static readonly JsonEncodedText ToolCallId = JsonEncodedText.Encode("tool_call_id"u8);

    // This thread's spare writer for buffered bodies: a Utf8JsonWriter over a PooledBufferWriter, kept between requests so
    // writing a body allocates neither. Taken out of the slot while in use, put back only after a write that succeeded.
    [ThreadStatic]
    private static ChatRequestSpareWriter? t_spare;

    /// <summary>Streams a request (one with images or videos) into the request stream in pieces of about 16 KB.</summary>
    public static async Task WriteAsync(ChatRequest request, Stream stream, CancellationToken cancellationToken)
    {
        using var output = new PooledBufferWriter(BufferSize); // declared first: disposed after the writer has flushed into it
        await WriteAsync(request, stream, output, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the whole body into an array rented from <see cref="ArrayPool{T}.Shared"/> (the caller returns it), so its
    /// length is known (a <c>Content-Length</c> header instead of chunked transfer, which strict gateways refuse). Only for
    /// requests without media, which stay streamed. Synchronous: nothing is awaited while the body is in memory.
    /// </summary>
    public static byte[] WriteToBuffer(ChatRequest request, out int length)
    {
        var spare = t_spare ?? new ChatRequestSpareWriter();
        t_spare = null;
        spare.Output.Rent(Math.Max(BufferSize, EstimateSize(request)));
        var writer = spare.Json;
        writer.Reset();
        try
        {
            WriteStart(writer, request);
            for (var i = 0; i < request.Messages.Length; i++)
            {
                if (request.MediaMessages?[i] == true)
                {
                    throw new InvalidOperationException("A request with images or videos is streamed, not buffered.");
                }

                WriteMessage(writer, request, i);
            }

            WriteEnd(writer, request);
            writer.Flush();
        }
        catch
        {
            // The array goes back to the pool; the writer pair, in whatever state the failure left it, is dropped.
            spare.Output.Dispose();
            throw;
        }

        var body = spare.Output.Detach(out length);
        t_spare = spare;
        return body;
    }

    /// <summary>
    /// A first guess at the body's size from its longest strings, so a long history is written into one buffer instead of
    /// growing (and copying) it several times. A lower bound for ASCII text; the buffer still grows when it is short.
    /// </summary>
    private static int EstimateSize(ChatRequest request)
    {
        long size = 256;
        for (var i = 0; i < request.Messages.Length; i++)
        {
            var message = request.Messages[i];
            size += 64 + (request.ReasoningToSend?[i]?.Length ?? 0); // role, keys, punctuation
            if (message.PartsOrNull is { } parts)
            {
                foreach (var part in parts)
                {
                    size += part is TextPart text ? text.Text.Length : 0;
                }
            }

            if (message.ToolCallsOrNull is { } calls)
            {
                foreach (var call in calls)
                {
                    size += 96 + call.Arguments.Length; // id, type, name, keys
                }
            }
        }

        return (int)Math.Min(size + (size / 8), Array.MaxLength);
    }

    private static async ValueTask WriteAsync(ChatRequest request, Stream stream, PooledBufferWriter output, CancellationToken cancellationToken)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        WriteStart(writer, request);
        for (var i = 0; i < request.Messages.Length; i++)
        {
            if (request.MediaMessages?[i] == true)
            {
                // Images and videos: base64 streamed into the body piece by piece, flushing as it goes.
                await MediaMessageWriter.WriteAsync(writer, request, i, ct => FlushIfFullAsync(writer, output, stream, ct), cancellationToken).ConfigureAwait(false);
                continue;
            }

            WriteMessage(writer, request, i);
            if (writer.BytesPending + output.WrittenCount > FlushThreshold)
            {
                await FlushAsync(writer, output, stream, cancellationToken).ConfigureAwait(false);
            }
        }

        WriteEnd(writer, request);
        await FlushAsync(writer, output, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The body up to its messages: <c>{"model":…,"messages":[</c>.</summary>
    private static void WriteStart(Utf8JsonWriter writer, ChatRequest request)
    {
        writer.WriteStartObject();
        writer.WriteString(Model, request.Settings.ModelJson);
        writer.WritePropertyName(Messages);
        writer.WriteStartArray();
    }

    /// <summary>The body after its messages: <c>]</c>, the options and the closing brace.</summary>
    private static void WriteEnd(Utf8JsonWriter writer, ChatRequest request)
    {
        writer.WriteEndArray();
        if (request.MessagesOnly)
        {
            writer.WriteEndObject();
            return;
        }

        var extras = request.Extras;
        WriteThinking(writer, request, extras);

        if (request.MaxOutputTokens is { } max && !Has(extras, request.Profile.MaxTokensField))
        {
            writer.WriteNumber(request.Settings.MaxTokensFieldJson, max);
        }

        WriteNumber(writer, "temperature", request.Temperature, extras);
        WriteNumber(writer, "top_p", request.TopP, extras);
        WriteNumber(writer, "presence_penalty", request.PresencePenalty, extras);
        WriteNumber(writer, "frequency_penalty", request.FrequencyPenalty, extras);

        var options = request.Options;
        if (options?.StopSequencesOrNull is { Count: > 0 } stop && !Has(extras, "stop"))
        {
            writer.WritePropertyName("stop"u8);
            writer.WriteStartArray();
            foreach (var s in stop)
            {
                writer.WriteStringValue(s);
            }

            writer.WriteEndArray();
        }

        if (options?.Seed is { } seed && !Has(extras, "seed"))
        {
            writer.WriteNumber("seed"u8, seed);
        }

        if (options?.ResponseFormat is { } format && !Has(extras, "response_format"))
        {
            WriteResponseFormat(writer, format, request.Profile.StripsSchemaKeyword);
        }

        if ((options?.ToolsOrNull is { Count: > 0 } || request.WebSearch) && request.SendsTools && !Has(extras, "tools"))
        {
            ToolWriter.WriteTools(writer, options?.ToolsOrNull, request.Profile.RequiresTypedToolSchemaProperties, request.WebSearch);
        }

        // tool_choice without tools is rejected by vLLM ("When using `tool_choice`, `tools` must be set") and OpenAI-style hosts.
        var sendsTools = ((options?.ToolsOrNull is { Count: > 0 } || request.WebSearch) && request.SendsTools) || Has(extras, "tools");
        if (options?.ToolChoice is { } choice && sendsTools && request.SendsToolChoice && !Has(extras, "tool_choice"))
        {
            ToolWriter.WriteToolChoice(writer, choice);
        }

        if (request.ReasoningEffort is { } effort && request.Profile.ReasoningEffortField is { } effortField && !Has(extras, effortField))
        {
            writer.WriteString(effortField, effort);
        }

        if (request.SessionId is { } session && request.Profile.SessionIdField is { } sessionField && !Has(extras, sessionField))
        {
            writer.WriteString(sessionField, session);
        }

        if (request.EndUserId is { } user && !Has(extras, request.Profile.EndUserIdField!))
        {
            writer.WriteString(request.Profile.EndUserIdField!, user);
        }

        WriteRouting(writer, request, extras);

        if (request.Stream)
        {
            writer.WriteBoolean("stream"u8, true);
            if (request.Profile.SendsStreamIncludeUsage && !Has(extras, "stream_options"))
            {
                writer.WritePropertyName("stream_options"u8);
                writer.WriteStartObject();
                writer.WriteBoolean("include_usage"u8, true);
                writer.WriteEndObject();
            }
        }

        if (extras is not null)
        {
            foreach (var (key, value) in extras)
            {
                writer.WritePropertyName(key);
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    value.WriteTo(writer);
                }
            }
        }

        writer.WriteEndObject();
    }

    private static async ValueTask FlushAsync(Utf8JsonWriter writer, PooledBufferWriter output, Stream stream, CancellationToken cancellationToken)
    {
        writer.Flush(); // into the pooled buffer
        await stream.WriteAsync(output.WrittenMemory, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        output.Clear();
    }

    private static ValueTask FlushIfFullAsync(Utf8JsonWriter writer, PooledBufferWriter output, Stream stream, CancellationToken cancellationToken) =>
        writer.BytesPending + output.WrittenCount > FlushThreshold ? FlushAsync(writer, output, stream, cancellationToken) : default;

    /// <summary>A router's fallback models (<c>models</c>, the primary first) and upstream preferences (<c>provider</c>).</summary>
    private static void WriteRouting(Utf8JsonWriter writer, ChatRequest request, IDictionary<string, JsonNode?>? extras)
    {
        var profile = request.Profile;
        if (profile.FallbackModels is { Count: > 0 } fallbacks && !Has(extras, "models"))
        {
            writer.WriteStartArray("models"u8);
            writer.WriteStringValue(request.Settings.ModelJson);
            foreach (var model in fallbacks)
            {
                writer.WriteStringValue(model.Trim());
            }

            writer.WriteEndArray();
        }

        if (profile.Routing is { } routing && !Has(extras, "provider"))
        {
            routing.WriteTo(writer);
        }
    }

    private static void WriteThinking(Utf8JsonWriter writer, ChatRequest request, IDictionary<string, JsonNode?>? extras)
    {
        // Validated when the request was built: a mode the switch has no form for never gets here.
        foreach (var field in request.Profile.ThinkingSwitch.FieldsFor(request.Thinking, request.ExcludesReasoning) ?? [])
        {
            if (!Has(extras, field.Name))
            {
                writer.WritePropertyName(field.EncodedName);
                writer.WriteRawValue(field.RawValue, skipInputValidation: true);
            }
        }
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChatRequest request, int index)
    {
        var message = request.Messages[index];
        writer.WriteStartObject();
        writer.WriteString(Role, message.Role switch
        {
            MessageRole.System => SystemRole,
            MessageRole.User => UserRole,
            MessageRole.Assistant => AssistantRole,
            _ => ToolRole,
        });

        WriteContent(writer, request, message);

        if (request.ReasoningToSend?[index] is { } reasoning)
        {
            if (request.Placeholders?[index] == true && request.Profile.ReasoningPlaceholderField is { } placeholderField)
            {
                writer.WriteString(placeholderField, reasoning);
            }
            else
            {
                foreach (var field in request.Profile.ReasoningWriteFields)
                {
                    writer.WriteString(field, reasoning);
                }
            }
        }

        if (request.ReasoningDetailsToSend?[index] is { } details)
        {
            // Verbatim, key order and values as received: the host checks them against what the model produced.
            writer.WritePropertyName(request.Profile.ReasoningDetailsField!);
            writer.WriteRawValue(details.GetRawText(), skipInputValidation: true);
        }

        if (message.ToolCallsOrNull is { Count: > 0 } calls)
        {
            ToolWriter.WriteToolCalls(writer, calls, request.InvalidToolArguments);
        }

        if (message.ToolCallId is { } toolCallId)
        {
            writer.WriteString(ToolCallId, toolCallId);
        }

        if (message.Name is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        if (message.IsPartial)
        {
            writer.WriteBoolean("partial"u8, true); // Moonshot's partial mode: the answer continues this message (validated last and assistant)
        }

        writer.WriteEndObject();
    }

    /// <summary>One <c>{"type":"text","text":…}</c> content part (shared with <see cref="MediaMessageWriter"/>).</summary>
    internal static void WriteTextPart(Utf8JsonWriter writer, TextPart text)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, text.Text);
        writer.WriteEndObject();
    }

    private static void WriteContent(Utf8JsonWriter writer, ChatRequest request, KimiMessage message)
    {
        var parts = message.PartsOrNull;
        if (parts is null or { Count: 0 })
        {
            // A tool-call turn with no text: no content key, or the host's shape (never [{"type":"text","text":""}], conformance 12).
            if (!message.HasToolCalls || HasBuiltinCall(message))
            {
                // A built-in call's turn goes back as received, "content":"" included (Moonshot's $web_search echo).
                writer.WriteString(Content, string.Empty);
            }
            else
            {
                WriteToolCallOnlyContent(writer, request.Profile);
            }

            return;
        }

        if (parts.Count == 1 && parts[0] is TextPart single)
        {
            if (single.Text.Length > 0 || !message.HasToolCalls)
            {
                writer.WriteString(Content, single.Text);
            }
            else
            {
                WriteToolCallOnlyContent(writer, request.Profile);
            }

            return;
        }

        var allText = parts.TrueForAll(static p => p is TextPart);
        if (allText && message.HasToolCalls && parts.TrueForAll(static p => ((TextPart)p).Text.Length == 0))
        {
            WriteToolCallOnlyContent(writer, request.Profile); // several empty text parts on a tool-call turn (conformance 12)
            return;
        }

        if (allText && request.Profile.StringOnlyContentRoles.Contains(message.Role))
        {
            writer.WriteString(Content, message.Text); // NVIDIA: system/assistant content must be a plain string
            return;
        }

        writer.WritePropertyName(Content);
        writer.WriteStartArray();
        foreach (var part in parts)
        {
            switch (part)
            {
                case TextPart text:
                    WriteTextPart(writer, text);
                    break;
                case MediaPart:
                    throw new InvalidOperationException("Messages with images or videos are written by MediaMessageWriter.");
            }
        }

        writer.WriteEndArray();
    }

    private static bool HasBuiltinCall(KimiMessage message) => message.ToolCallsOrNull?.Exists(static call => call.Type != "function") == true;

    private static void WriteToolCallOnlyContent(Utf8JsonWriter writer, KimiProvider profile)
    {
        switch (profile.ToolCallOnlyContent)
        {
            case KimiToolCallContent.Null:
                writer.WriteNull(Content);
                break;
            case KimiToolCallContent.EmptyString:
                writer.WriteString(Content, string.Empty);
                break;
        }
    }

    private static void WriteResponseFormat(Utf8JsonWriter writer, ResponseFormat format, bool stripSchemaKeyword)
    {
        writer.WritePropertyName("response_format"u8);
        writer.WriteStartObject();
        writer.WriteString("type"u8, format.Type);
        if (format.Schema is { } schema)
        {
            writer.WritePropertyName("json_schema"u8);
            writer.WriteStartObject();
            writer.WriteString("name"u8, format.SchemaName);
            if (format.SchemaDescription is { } description)
            {
                writer.WriteString("description"u8, description);
            }

            if (format.Strict is { } strict)
            {
                writer.WriteBoolean("strict"u8, strict);
            }

            writer.WritePropertyName("schema"u8);
            writer.WriteStartObject();
            foreach (var property in schema.EnumerateObject())
            {
                if (stripSchemaKeyword && property.NameEquals("$schema"u8))
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteNumber(Utf8JsonWriter writer, string name, float? value, IDictionary<string, JsonNode?>? extras)
    {
        if (value is { } v && !Has(extras, name))
        {
            // Through decimal (7 significant digits), so 0.95f is written 0.95, not 0.949999988079071.
            writer.WriteNumber(name, (decimal)v);
        }
    }

    private static bool Has(IDictionary<string, JsonNode?>? extras, string key) => extras is not null && extras.ContainsKey(key);
}
