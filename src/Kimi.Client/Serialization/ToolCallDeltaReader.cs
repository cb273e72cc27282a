using System.Text;
using System.Text.Json;

namespace Kimi.Client.Serialization;

/// <summary>
/// Reads the <c>tool_calls</c> fragments of one streamed delta (or one whole message): index, id, name and an arguments
/// fragment per call, with a malformed index reported as a problem rather than guessed (conformance 20–22). A delta that is one
/// call's bare arguments piece (no id, name or type: nearly every chunk of a streamed call) costs only its string; any other
/// makes a <see cref="ToolCallUpdate"/> per call and one list (an exact-size array inside it only for two or more).
/// </summary>
internal static class ToolCallDeltaReader
{
    /// <summary>
    /// Reads a delta's <c>tool_calls</c> array (the reader on its first token). Returns the calls of the delta so far: those of an
    /// earlier <c>tool_calls</c> key in the same delta (<paramref name="earlier"/>, <paramref name="bare"/>) followed by these, as
    /// one list; or, when the delta so far is one call's next arguments piece and nothing else (no id, name or type: nearly every
    /// chunk of a streamed call), <see langword="null"/> with that piece in <paramref name="bare"/>, no fragment object made.
    /// </summary>
    /// <param name="reader">The reader, on the array's first token.</param>
    /// <param name="scratch">A list reused across chunks of one stream, so each chunk allocates only its exact-size list.</param>
    /// <param name="earlier">The calls already read from this delta, or <see langword="null"/>.</param>
    /// <param name="bare">The bare arguments piece already read from this delta, if any; set to this delta's, or cleared.</param>
    /// <param name="problem">Set to why a call cannot be read (a malformed index, conformance 22); left as is otherwise.</param>
    public static ToolCallList? Read(ref Utf8JsonReader reader, ref List<ToolCallUpdate>? scratch, ToolCallList? earlier, ref ArgumentsPiece bare, ref string? problem)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return earlier;
        }

        var calls = scratch ??= [];
        calls.Clear();
        if (earlier is not null)
        {
            calls.AddRange(earlier); // a second tool_calls key in the same delta adds to the first
        }

        if (bare.Text is not null)
        {
            calls.Add(bare.ToFragment());
            bare = default;
        }

        ArgumentsPiece first = default; // the array's first call while it may be the delta's only one, and bare

        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                position++;
                continue;
            }

            int? index = null;
            string? id = null, name = null, arguments = null, type = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var i) && i >= 0)
                    {
                        index = i;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        // Conformance 22: a malformed index is an error, never a guess.
                        problem ??= $"tool_calls[{position}].index is {DescribeToken(ref reader)}, not a non-negative integer";
                        reader.Skip();
                    }
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    id = reader.TokenType == JsonTokenType.String ? reader.GetString() : ChunkParser.SkipNull(ref reader);
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    ReadFunction(ref reader, ref name, ref arguments);
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.TokenType == JsonTokenType.String && !reader.ValueTextEquals("function"u8) ? reader.GetString() : ChunkParser.SkipNull(ref reader); // builtin_function is echoed as received
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (calls.Count == 0 && first.Text is null && id is null && name is null && type is null && arguments is not null)
            {
                first = new ArgumentsPiece(index ?? position, index is not null, arguments);
            }
            else
            {
                if (first.Text is not null)
                {
                    calls.Add(first.ToFragment()); // not alone after all
                    first = default;
                }

                calls.Add(new ToolCallUpdate(index ?? position, id, name, arguments) { IndexWasExplicit = index is not null, Type = type });
            }

            position++;
        }

        if (first.Text is not null)
        {
            bare = first; // alone: calls is empty, as nothing else was read from this delta
            return null;
        }

        var result = calls.Count switch
        {
            0 => earlier,
            1 => new ToolCallList(calls[0]),
            _ => new ToolCallList(calls.ToArray()),
        };
        calls.Clear();
        return result;
    }

    private static void ReadFunction(ref Utf8JsonReader reader, ref string? name, ref string? arguments)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = reader.TokenType == JsonTokenType.String ? reader.GetString() : ChunkParser.SkipNull(ref reader);
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    arguments = reader.GetString();
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // Some servers send arguments as a JSON object instead of a string: keep its text.
                    using var document = JsonDocument.ParseValue(ref reader);
                    arguments = document.RootElement.GetRawText();
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static string DescribeToken(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string \"{reader.GetString()}\"",
        JsonTokenType.Number => $"the number {Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => reader.TokenType.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// One call's next arguments piece without an id, name or type, as nearly every chunk of a streamed call carries it;
/// <see cref="Text"/> is <see langword="null"/> for none.
/// </summary>
internal readonly record struct ArgumentsPiece(int Index, bool IndexWasExplicit, string? Text)
{
    /// <summary>The piece as a fragment, for a chunk that carries more.</summary>
    public ToolCallUpdate ToFragment() => ToolCallUpdate.ArgumentsOnly(Index, IndexWasExplicit, Text);
}
