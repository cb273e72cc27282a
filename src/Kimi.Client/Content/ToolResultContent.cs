using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace Kimi.Client;

/// <summary>
/// A tool's return value as a tool message: text, plus the images and videos it carried, in order. MCP tools return their
/// content blocks through Microsoft.Extensions.AI (<c>McpClientTool</c> gives one <see cref="AIContent"/>, an
/// <see cref="AIContent"/>[] for several blocks, or the whole <c>CallToolResult</c> as JSON when it has an error flag or
/// structured content); an image block arrives as <see cref="DataContent"/>. Images stay parts of the tool message here;
/// <see cref="ToolMediaPlacement"/> decides per provider how they go on the wire.
/// </summary>
internal sealed class ToolResultContent
{
    private ToolResultContent(List<MessagePart> parts) => Parts = parts;

    /// <summary>Gets the parts, text and media in order; adjacent text is joined.</summary>
    public List<MessagePart> Parts { get; }

    /// <summary>Gets the text, with a short marker where a part is an image or video (for events and logs).</summary>
    public string Text
    {
        get
        {
            if (Parts is [TextPart only])
            {
                return only.Text;
            }

            var text = new StringBuilder();
            foreach (var part in Parts)
            {
                text.Append(part switch
                {
                    TextPart t => t.Text,
                    MediaPart m => $"[{Describe(m)}]",
                    _ => string.Empty,
                });
            }

            return text.ToString();
        }
    }

    /// <summary>Text only, as a tool's error or a plain string result.</summary>
    public static implicit operator ToolResultContent(string text) => new([new TextPart(text)]);

    /// <summary>Converts a tool's return value.</summary>
    /// <param name="result">What the tool returned.</param>
    /// <param name="serialize">Turns a value that is not AI content into text (the caller's rule: JSON, usually).</param>
    public static ToolResultContent From(object? result, Func<object?, string> serialize)
    {
        var parts = new List<MessagePart>();
        switch (result)
        {
            case AIContent content:
                Add(parts, content, serialize);
                break;
            case IEnumerable<AIContent> contents:
                foreach (var content in contents)
                {
                    Add(parts, content, serialize);
                }

                break;
            default:
                parts.Add(new TextPart(serialize(result)));
                break;
        }

        if (parts.Count == 0)
        {
            parts.Add(new TextPart(string.Empty));
        }

        return new ToolResultContent(parts);
    }

    /// <summary>The tool message answering <paramref name="toolCallId"/>.</summary>
    public KimiMessage ToMessage(string toolCallId, string? name)
    {
        var message = new KimiMessage(MessageRole.Tool) { ToolCallId = toolCallId, Name = name };
        foreach (var part in Parts)
        {
            message.Parts.Add(part);
        }

        return message;
    }

    /// <summary>"image/png image, 12 KiB" and the like, for markers and descriptions.</summary>
    internal static string Describe(MediaPart media)
    {
        var what = media.MediaType is { } type ? $"{type} {media.Noun}" : media.Noun;
        if (media.Uri is { } uri && uri.Scheme != "data")
        {
            return $"{what} at {uri.GetLeftPart(UriPartial.Path)}";
        }

        return media.Length is { } length ? $"{what}, {MediaValidator.Size(length)}" : what;
    }

    private static void Add(List<MessagePart> parts, AIContent content, Func<object?, string> serialize)
    {
        switch (content)
        {
            case TextContent text:
                AddText(parts, text.Text ?? string.Empty);
                break;
            case DataContent data when Kind(data.MediaType) is { } kind:
                parts.Add(kind == MediaKind.Image ? ImagePart.FromBytes(data.Data, data.MediaType) : VideoPart.FromBytes(data.Data, data.MediaType));
                break;
            case DataContent data:
                // Audio, PDF and other blobs: Kimi reads none of them, and base64 text would only burn tokens.
                AddText(parts, string.Create(CultureInfo.InvariantCulture, $"[{data.MediaType} data, {MediaValidator.Size(data.Data.Length)}, not shown: the model reads text, images and video]"));
                break;
            case UriContent uri when Kind(uri.MediaType) is { } kind:
                parts.Add(kind == MediaKind.Image ? ImagePart.FromUri(uri.Uri, uri.MediaType) : VideoPart.FromUri(uri.Uri, uri.MediaType));
                break;
            case UriContent uri:
                AddText(parts, $"[{uri.MediaType} at {uri.Uri}]");
                break;
            case ErrorContent error:
                AddText(parts, $"Error: {error.Message}");
                break;
            default:
                AddText(parts, serialize(content));
                break;
        }
    }

    private static void AddText(List<MessagePart> parts, string text)
    {
        if (parts.Count > 0 && parts[^1] is TextPart last)
        {
            parts[^1] = new TextPart(last.Text.Length == 0 ? text : text.Length == 0 ? last.Text : last.Text + "\n" + text);
            return;
        }

        parts.Add(new TextPart(text));
    }

    private static MediaKind? Kind(string? mediaType) =>
        mediaType is null ? null
        : mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) ? MediaKind.Image
        : mediaType.StartsWith("video/", StringComparison.OrdinalIgnoreCase) ? MediaKind.Video
        : null;
}
