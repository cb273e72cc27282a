using System.Text;
using System.Text.Json;

namespace Kimi.Client.Testing;

/// <summary>A request the emulator received, as it arrived on the wire.</summary>
public sealed class EmulatorRequest
{
    internal EmulatorRequest(string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        Method = method;
        Path = path;
        Headers = headers;
        Body = body;
        Json = TryParse(body);
        if (Json.ValueKind == JsonValueKind.Object)
        {
            Model = Json.TryGetProperty("model", out JsonElement model) && model.ValueKind == JsonValueKind.String ? model.GetString() : null;
            Stream = Json.TryGetProperty("stream", out JsonElement stream) && stream.ValueKind == JsonValueKind.True;
        }
    }

    /// <summary>Gets the HTTP method, such as <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the URL path, such as <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the request headers (content headers included), keyed case-insensitively; repeated values are joined with <c>", "</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the request body as UTF-8 text.</summary>
    public string Body { get; }

    /// <summary>Gets the parsed body, or a <see cref="JsonValueKind.Undefined"/> element when the body is not JSON.</summary>
    public JsonElement Json { get; }

    /// <summary>Gets whether the body asked for a stream (<c>"stream":true</c>).</summary>
    public bool Stream { get; }

    /// <summary>Gets the <c>model</c> the body named, if it named one.</summary>
    public string? Model { get; }

    /// <summary>Gets the text of the last <c>user</c> message (text parts joined with a space), or an empty string.</summary>
    public string LastUserText => ReadLastUserText(Json);

    internal static string ReadLastUserText(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("messages", out JsonElement messages)
            || messages.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        string text = string.Empty;
        foreach (JsonElement message in messages.EnumerateArray())
        {
            if (message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("role", out JsonElement role)
                && role.ValueKind == JsonValueKind.String
                && role.ValueEquals("user")
                && message.TryGetProperty("content", out JsonElement content))
            {
                text = ContentText(content);
            }
        }

        return text;
    }

    private static string ContentText(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString() ?? string.Empty;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var builder = new StringBuilder();
        foreach (JsonElement part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object
                && part.TryGetProperty("text", out JsonElement text)
                && text.ValueKind == JsonValueKind.String)
            {
                builder.Append(builder.Length == 0 ? string.Empty : " ").Append(text.GetString());
            }
        }

        return builder.ToString();
    }

    private static JsonElement TryParse(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return default;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
