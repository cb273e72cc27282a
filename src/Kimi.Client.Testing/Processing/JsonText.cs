using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client.Testing.Processing;

/// <summary>Writes JSON with <see cref="Utf8JsonWriter"/> (no reflection) in the compact form servers send.</summary>
internal static class JsonText
{
    // Relaxed escaping keeps quotes, apostrophes, backticks and '<' readable, as Python and Go servers write them.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string WriteString(Action<Utf8JsonWriter> write) => Encoding.UTF8.GetString(Write(write));

    /// <summary>Wraps a JSON payload as one SSE event: <c>data: {json}\n\n</c>.</summary>
    public static byte[] Event(byte[] json)
    {
        byte[] result = new byte[6 + json.Length + 2];
        "data: "u8.CopyTo(result);
        json.CopyTo(result, 6);
        result[^2] = (byte)'\n';
        result[^1] = (byte)'\n';
        return result;
    }

    public static byte[] Done { get; } = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>Writes a location such as <c>["body","messages",2]</c>.</summary>
    public static void WriteLocation(Utf8JsonWriter writer, string propertyName, IReadOnlyList<object> location)
    {
        writer.WriteStartArray(propertyName);
        foreach (object segment in location)
        {
            if (segment is int index)
            {
                writer.WriteNumberValue(index);
            }
            else
            {
                writer.WriteStringValue(Convert.ToString(segment, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        writer.WriteEndArray();
    }
}
