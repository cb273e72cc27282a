using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Serialization;

/// <summary>Writes tool declarations, tool choices and assistant tool calls in the OpenAI shape all Kimi hosts accept.</summary>
internal static class ToolWriter
{
    // An assistant turn's tool calls go out with every later request of an agent loop: their names are encoded once, so
    // the writer copies them without scanning them for escapes.
    private static readonly JsonEncodedText ToolCalls = JsonEncodedText.Encode("tool_calls"u8);
    private static readonly JsonEncodedText Id = JsonEncodedText.Encode("id"u8);
    private static readonly JsonEncodedText Type = JsonEncodedText.Encode("type"u8);
    private static readonly JsonEncodedText Function = JsonEncodedText.Encode("function"u8);
    private static readonly JsonEncodedText Name = JsonEncodedText.Encode("name"u8);
    private static readonly JsonEncodedText Arguments = JsonEncodedText.Encode("arguments"u8);

    public static void WriteTools(Utf8JsonWriter writer, IList<AIFunctionDeclaration>? tools, bool requireTypedProperties, bool webSearch = false)
    {
        writer.WritePropertyName("tools"u8);
        writer.WriteStartArray();
        if (webSearch)
        {
            // Moonshot's built-in search: declared without a schema (moonshot.md, "$web_search built-in tool").
            writer.WriteStartObject();
            writer.WriteString("type"u8, "builtin_function"u8);
            writer.WritePropertyName("function"u8);
            writer.WriteStartObject();
            writer.WriteString("name"u8, KimiWebSearch.ToolName);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        foreach (var tool in tools ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WritePropertyName("function"u8);
            writer.WriteStartObject();
            writer.WriteString("name"u8, tool.Name);
            if (!string.IsNullOrEmpty(tool.Description))
            {
                writer.WriteString("description"u8, tool.Description);
            }

            writer.WritePropertyName("parameters"u8);
            writer.WriteRawValue(ToolSchemaNormalizer.GetSchema(tool, requireTypedProperties), skipInputValidation: true);

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static void WriteToolChoice(Utf8JsonWriter writer, ToolChoice choice)
    {
        if (choice.FunctionName is { } name)
        {
            writer.WritePropertyName("tool_choice"u8);
            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WritePropertyName("function"u8);
            writer.WriteStartObject();
            writer.WriteString("name"u8, name);
            writer.WriteEndObject();
            writer.WriteEndObject();
            return;
        }

        writer.WriteString("tool_choice"u8, choice.Mode);
    }

    public static void WriteToolCalls(Utf8JsonWriter writer, List<ToolCall> calls, HashSet<ToolCall>? invalidArguments = null)
    {
        writer.WritePropertyName(ToolCalls);
        writer.WriteStartArray();
        foreach (var call in calls)
        {
            writer.WriteStartObject();
            writer.WriteString(Id, call.Id); // verbatim: the chat template renders ids back into the prompt
            writer.WriteString(Type, call.Type); // builtin_function stays builtin_function (Moonshot's $web_search echo)
            writer.WritePropertyName(Function);
            writer.WriteStartObject();
            writer.WriteString(Name, call.Name);
            writer.WriteString(Arguments, invalidArguments?.Contains(call) == true ? "{}" : call.Arguments); // hosts that parse them: {} (warned)
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
