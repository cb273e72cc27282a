using System.Text.Json;

namespace Kimi.Client;

/// <summary>
/// Moonshot's built-in <c>$web_search</c> tool (<see cref="ChatCompletionOptions.WebSearch"/>): the model asks for a search
/// as a tool call, the client answers by echoing the call's arguments unchanged, and Moonshot runs the search and grounds
/// the next answer in it. <see cref="Agents.KimiAgent"/> runs this loop with <see cref="Agents.KimiAgentOptions.WebSearch"/>.
/// </summary>
public static class KimiWebSearch
{
    /// <summary>The built-in tool's name: <c>$web_search</c>.</summary>
    public const string ToolName = "$web_search";

    /// <summary>Whether a tool call is a web-search request to be answered with <see cref="Answer"/>.</summary>
    /// <param name="call">A tool call from a completion.</param>
    /// <returns><see langword="true"/> for a <c>$web_search</c> call.</returns>
    public static bool IsWebSearch(ToolCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return string.Equals(call.Name, ToolName, StringComparison.Ordinal);
    }

    /// <summary>The tool result that answers a web-search call: its arguments, byte for byte (the search runs on Moonshot's side).</summary>
    /// <param name="call">A <c>$web_search</c> call.</param>
    /// <returns>The tool message to append after the assistant turn.</returns>
    /// <exception cref="ArgumentException"><paramref name="call"/> is not a web-search call.</exception>
    public static KimiMessage Answer(ToolCall call)
    {
        if (!IsWebSearch(call))
        {
            throw new ArgumentException($"'{call.Name}' is not a {ToolName} call; answer caller-defined tools with KimiMessage.Tool.", nameof(call));
        }

        return new KimiMessage(MessageRole.Tool, call.Arguments) { ToolCallId = call.Id, Name = ToolName };
    }

    /// <summary>
    /// The size of the search material the host will put into the next prompt (<c>usage.total_tokens</c> of the call's
    /// arguments; billed as input), or <see langword="null"/> when the arguments do not say.
    /// </summary>
    /// <param name="call">A <c>$web_search</c> call.</param>
    /// <returns>The tokens, or <see langword="null"/>.</returns>
    public static int? ResultTokens(ToolCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            using var document = JsonDocument.Parse(call.Arguments);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object &&
                   usage.TryGetProperty("total_tokens", out var total) && total.ValueKind == JsonValueKind.Number && total.TryGetInt32(out var tokens)
                ? tokens
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
