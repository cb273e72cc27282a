using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Kimi.Client.Testing.Processing;

/// <summary>
/// Models a provider's automatic prefix cache: the cached part of a prompt is the part that repeats, byte for byte from the
/// start, the previous request of the same conversation. The prompt is compared as the chat template lays it out: the
/// <c>tools</c> JSON, then the <c>messages</c> JSON.
/// </summary>
/// <remarks>
/// A conversation is identified by the model and its opening: every message up to and including the first <c>user</c>
/// message (system prompt and task), hashed. Two runs with the same opening therefore share an entry, as they would share
/// a provider's cache. At most <see cref="MaxConversations"/> conversations are remembered; the oldest is forgotten first.
/// </remarks>
internal sealed class PrefixCache
{
    public const int MaxConversations = 512;

    private readonly object _lock = new();
    private readonly Dictionary<string, byte[]> _lastPrompt = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>Returns the cached tokens of this prompt (at most <paramref name="promptTokens"/>) and remembers it for the next request.</summary>
    public int Lookup(ChatRequestContext context, int promptTokens)
    {
        byte[] prompt = PromptBytes(context.Body, context.Messages);
        string key = ConversationKey(context.Model, context.Messages);
        byte[]? previous;
        lock (_lock)
        {
            if (!_lastPrompt.TryGetValue(key, out previous))
            {
                _order.Enqueue(key);
                if (_order.Count > MaxConversations)
                {
                    _lastPrompt.Remove(_order.Dequeue());
                }
            }

            _lastPrompt[key] = prompt;
        }

        if (previous is null)
        {
            return 0;
        }

        int common = prompt.AsSpan().CommonPrefixLength(previous);

        // One token per four bytes, as the prompt estimate; a partial token at the end of the shared bytes is not a hit.
        return Math.Min(promptTokens, common / 4);
    }

    private static byte[] PromptBytes(JsonElement body, JsonElement messages)
    {
        string tools = body.TryGetProperty("tools", out JsonElement value) ? value.GetRawText() : string.Empty;
        return Encoding.UTF8.GetBytes(tools + messages.GetRawText());
    }

    private static string ConversationKey(string model, JsonElement messages)
    {
        var opening = new StringBuilder(model).Append('\n');
        foreach (JsonElement message in messages.EnumerateArray())
        {
            opening.Append(message.GetRawText()).Append('\n');
            if (message.TryGetProperty("role", out JsonElement role) && role.ValueKind == JsonValueKind.String && role.ValueEquals("user"))
            {
                break;
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(opening.ToString())));
    }
}
