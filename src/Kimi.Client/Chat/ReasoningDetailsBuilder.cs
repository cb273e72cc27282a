using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client;

/// <summary>
/// Assembles a turn's structured reasoning (OpenRouter's <c>reasoning_details</c>) from the arrays streamed chunk by chunk:
/// consecutive <c>reasoning.text</c> (or <c>reasoning.summary</c>) fragments of the same item are merged into one (text
/// concatenated, the first non-null of every other member kept, the first fragment's key order), and every other item,
/// unknown types included, is kept byte for byte. A whole response's array passes through unchanged.
/// </summary>
internal sealed class ReasoningDetailsBuilder
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private readonly List<Item> _items = [];

    /// <summary>Adds one chunk's array.</summary>
    public void Append(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var element in array.EnumerateArray())
        {
            if (_items.Count == 0 || !_items[^1].TryMerge(element))
            {
                _items.Add(new Item(element));
            }
        }
    }

    /// <summary>The merged array.</summary>
    public JsonElement Build()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var item in _items)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>The visible text of an array: its <c>reasoning.text</c> texts and <c>reasoning.summary</c> summaries, in order; <see langword="null"/> when it has none.</summary>
    internal static string? TextOf(JsonElement array)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        string? single = null;
        StringBuilder? many = null;
        foreach (var element in array.EnumerateArray())
        {
            if (TextField(element) is { } field && element.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String)
            {
                var text = value.GetString()!;
                if (single is null)
                {
                    single = text;
                }
                else
                {
                    (many ??= new StringBuilder(single)).Append(text);
                }
            }
        }

        return many?.ToString() ?? single;
    }

    /// <summary>The member that carries an item's visible text: <c>text</c> or <c>summary</c>; <see langword="null"/> for other types.</summary>
    private static string? TextField(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.ValueEquals("reasoning.text") ? "text" : type.ValueEquals("reasoning.summary") ? "summary" : null
            : null;

    private sealed class Item(JsonElement first)
    {
        private readonly string? _field = TextField(first);
        private StringBuilder? _text;                       // the merged text, once a second fragment arrived
        private Dictionary<string, JsonElement>? _filled;  // members a later fragment set where the first had none (or null)

        public bool TryMerge(JsonElement next)
        {
            if (_field is null || TextField(next) != _field || !Same(first, next, "type") || !Same(first, next, "index"))
            {
                return false;
            }

            if (_text is null)
            {
                _text = new StringBuilder();
                if (first.TryGetProperty(_field, out var own) && own.ValueKind == JsonValueKind.String)
                {
                    _text.Append(own.GetString());
                }
            }

            foreach (var property in next.EnumerateObject())
            {
                if (property.NameEquals(_field))
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        _text.Append(property.Value.GetString());
                    }
                }
                else if (property.Value.ValueKind != JsonValueKind.Null &&
                         (!first.TryGetProperty(property.Name, out var existing) || existing.ValueKind == JsonValueKind.Null))
                {
                    _filled ??= new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                    _filled.TryAdd(property.Name, property.Value); // the first non-null wins (a signature arriving on the last fragment)
                }
            }

            return true;
        }

        public void WriteTo(Utf8JsonWriter writer)
        {
            if (_text is null)
            {
                writer.WriteRawValue(first.GetRawText(), skipInputValidation: true); // unmerged: byte for byte
                return;
            }

            writer.WriteStartObject();
            foreach (var property in first.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                if (property.NameEquals(_field!))
                {
                    writer.WriteStringValue(_text.ToString());
                }
                else if (_filled is not null && _filled.TryGetValue(property.Name, out var filled))
                {
                    writer.WriteRawValue(filled.GetRawText(), skipInputValidation: true);
                }
                else
                {
                    writer.WriteRawValue(property.Value.GetRawText(), skipInputValidation: true);
                }
            }

            if (!first.TryGetProperty(_field!, out _))
            {
                writer.WriteString(_field!, _text.ToString());
            }

            foreach (var (name, value) in _filled ?? [])
            {
                if (first.TryGetProperty(name, out _))
                {
                    continue; // written in the first fragment's place above
                }

                writer.WritePropertyName(name);
                writer.WriteRawValue(value.GetRawText(), skipInputValidation: true);
            }

            writer.WriteEndObject();
        }

        // Both absent, or both with the same raw value.
        private static bool Same(JsonElement a, JsonElement b, string name) =>
            a.TryGetProperty(name, out var x)
                ? b.TryGetProperty(name, out var y) && x.GetRawText() == y.GetRawText()
                : !b.TryGetProperty(name, out _);
    }
}
