using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Agents;

/// <summary>
/// The one place where a tool's return value becomes the tool-result message sent back to the model: strings as they are,
/// JSON as JSON text, other values serialized with the function's own options.
/// </summary>
internal static class ToolResultConverter
{
    /// <summary>The text the model reads for a tool's return value.</summary>
    public static string ToText(object? result, AIFunction function)
    {
        switch (result)
        {
            case null:
                return "null";
            case string text:
                return text;
            case JsonElement { ValueKind: JsonValueKind.String } element:
                return element.GetString()!;
            case JsonElement element:
                return element.GetRawText();
            default:
                try
                {
                    var options = function.JsonSerializerOptions ?? AIJsonUtilities.DefaultOptions;
                    return JsonSerializer.Serialize(result, options.GetTypeInfo(result.GetType()));
                }
                catch (NotSupportedException)
                {
                    return result.ToString() ?? string.Empty;
                }
        }
    }

    /// <summary>The tool-result message answering <paramref name="call"/> (images and videos it returned ride along as parts).</summary>
    public static KimiMessage ToMessage(ToolCall call, ToolResultContent content) => content.ToMessage(call.Id, call.Name);
}
