using System.Globalization;
using System.Text;
using Kimi.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Kimi.Client;

/// <summary>
/// Puts the images and videos of tool results where the provider can read them. OpenAI-compatible tool messages take
/// text only, so each tool message keeps its text with a marker in place of each part, and the parts follow the run of
/// tool messages in one user message ("Image 1, returned by tool call get_chart_0:" then the image), which every host that
/// takes images reads. A part the provider cannot take (its media rules, as for user images) is described in the tool
/// text instead, with a warning. Runs per call and per failover target, so each provider gets its own decision.
/// </summary>
internal static class ToolMediaPlacement
{
    public static KimiMessage[] Apply(KimiMessage[] messages, KimiProvider profile, KimiMediaOptions options, ILogger logger)
    {
        if (!Array.Exists(messages, static m => m is { Role: MessageRole.Tool } && m.PartsOrNull?.Exists(static p => p is MediaPart) == true))
        {
            return messages;
        }

        var placed = new List<KimiMessage>(messages.Length + 1);
        List<MessagePart>? pending = null;
        var number = 0;
        for (var i = 0; i < messages.Length; i++)
        {
            var message = messages[i];
            if (message is { Role: MessageRole.Tool } && message.PartsOrNull?.Exists(static p => p is MediaPart) == true)
            {
                var text = new StringBuilder();
                foreach (var part in message.Parts)
                {
                    if (part is TextPart t)
                    {
                        text.Append(t.Text);
                        continue;
                    }

                    if (part is not MediaPart media)
                    {
                        continue;
                    }

                    Separate(text);
                    if (Rejection(media, i, profile, options) is { } reason)
                    {
                        KimiLog.ToolResultMediaDescribed(logger, i, profile.DisplayName, reason);
                        text.Append(CultureInfo.InvariantCulture, $"[{ToolResultContent.Describe(media)}: not shown, {profile.DisplayName} cannot take it here]");
                        continue;
                    }

                    number++;
                    var noun = media.Kind == MediaKind.Image ? "Image" : "Video";
                    text.Append(CultureInfo.InvariantCulture, $"[{noun} {number}: in the user message after the tool results]");
                    pending ??= [];
                    pending.Add(new TextPart($"{noun} {number}, returned by tool call {message.ToolCallId}{(message.Name is { } name ? $" ({name})" : string.Empty)}:"));
                    pending.Add(media);
                }

                placed.Add(new KimiMessage(MessageRole.Tool, text.ToString()) { ToolCallId = message.ToolCallId, Name = message.Name });
            }
            else
            {
                placed.Add(message);
            }

            var runEnds = i + 1 == messages.Length || messages[i + 1] is not { Role: MessageRole.Tool };
            if (pending is not null && runEnds)
            {
                placed.Add(KimiMessage.User(pending));
                pending = null;
            }
        }

        return [.. placed];
    }

    private static void Separate(StringBuilder text)
    {
        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }
    }

    /// <returns>Why the provider cannot take the part (the message a user image would fail with), or <see langword="null"/>.</returns>
    private static string? Rejection(MediaPart media, int index, KimiProvider profile, KimiMediaOptions options)
    {
        try
        {
            MediaValidator.Check(media, index, profile, options);
            return null;
        }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
        {
            return ex.Message;
        }
    }
}
