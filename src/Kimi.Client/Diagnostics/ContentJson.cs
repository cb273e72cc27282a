using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client.Diagnostics;

/// <summary>
/// Messages and outputs in the GenAI conventions' JSON shape (<c>[{"role":…,"parts":[{"type":"text","content":…}]}]</c>),
/// recorded on spans only when content capture is on.
/// </summary>
internal static class ContentJson
{
    // Readable in trace viewers and logs (apostrophes, non-ASCII kept); never embedded in HTML by us.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Messages(IReadOnlyList<KimiMessage> messages)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role.ToString().ToLowerInvariant());
                writer.WriteStartArray("parts");
                if (message.ToolCallId is { } callId)
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "tool_call_response");
                    writer.WriteString("id", callId);
                    writer.WriteString("response", message.Text);
                    writer.WriteEndObject();
                }
                else
                {
                    Parts(writer, message.Reasoning, message.Text, message.ToolCalls);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string Output(ChatCompletion completion)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            writer.WriteStartObject();
            writer.WriteString("role", "assistant");
            writer.WriteStartArray("parts");
            Parts(writer, completion.Reasoning, completion.Text, completion.ToolCalls);
            writer.WriteEndArray();
            if (completion.FinishReason is { } finish)
            {
                writer.WriteString("finish_reason", finish.Value);
            }

            writer.WriteEndObject();
            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Parts(Utf8JsonWriter writer, string? reasoning, string text, IEnumerable<ToolCall> toolCalls)
    {
        if (!string.IsNullOrEmpty(reasoning))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "reasoning");
            writer.WriteString("content", reasoning);
            writer.WriteEndObject();
        }

        if (text.Length > 0)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "text");
            writer.WriteString("content", text);
            writer.WriteEndObject();
        }

        foreach (var call in toolCalls)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_call");
            writer.WriteString("id", call.Id);
            writer.WriteString("name", call.Name);
            writer.WriteString("arguments", call.Arguments);
            writer.WriteEndObject();
        }
    }
}
