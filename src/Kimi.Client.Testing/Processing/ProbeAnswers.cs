using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Kimi.Client.Testing.Processing;

/// <summary>
/// How the emulated model answers the fixed prompts of <c>kimi verify</c> (spec: verifier.md, Part 2): as a cooperative model
/// would — "pong" when asked for pong, a <c>get_weather</c> call when told to use the tool, the colour of a solid-colour PNG —
/// so an emulator without deviations passes every probe. Any other prompt gets the usual echo.
/// </summary>
internal static class ProbeAnswers
{
    public static EmulatorReply? Answer(EmulatorRequest request)
    {
        string prompt = request.LastUserText;
        switch (prompt)
        {
            case "Reply with the single word: pong":
                return EmulatorReply.FromText("pong", "The user wants the single word pong.");
            case "Say 'OK' and nothing else.":
                return EmulatorReply.FromText("OK", "Just OK.");
            case "Say hello. Do not use any tool.":
                return EmulatorReply.FromText("Hello.", "A greeting, no tool needed.");
            case "Answer in one word.":
                return EmulatorReply.FromText("Sunny.", "The tool said it is sunny.");
            case "Count from 1 to 60, separated by spaces.":
                return EmulatorReply.FromText(string.Join(' ', Enumerable.Range(1, 60).Select(static n => n.ToString(CultureInfo.InvariantCulture))), "Counting.");
            case "What is the weather in Paris right now? Use the tool." when DeclaresTool(request.Json, "get_weather"):
                return EmulatorReply.FromToolCalls("I should call get_weather for Paris.", new EmulatorToolCall("get_weather", """{"city":"Paris","unit":"celsius"}"""));
            case "Now check Berlin with the tool as well." when DeclaresTool(request.Json, "get_weather"):
                return EmulatorReply.FromToolCalls("Another get_weather call, for Berlin.", new EmulatorToolCall("get_weather", """{"city":"Berlin","unit":"celsius"}"""));
            case "One word: what colour is this image?":
                return EmulatorReply.FromText(ColourOfFirstImage(request.Json) ?? "Unclear.", "Looking at the image.");
            case "One word: what colour is this video?":
                return EmulatorReply.FromText("Red.", "Looking at the video.");
            default:
                return null;
        }
    }

    private static bool DeclaresTool(JsonElement body, string name)
    {
        if (!body.TryGetProperty("tools", out JsonElement tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (JsonElement tool in tools.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("function", out JsonElement function) && function.ValueKind == JsonValueKind.Object &&
                function.TryGetProperty("name", out JsonElement toolName) && toolName.ValueKind == JsonValueKind.String && toolName.ValueEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Names the colour of the first pixel of the request's first PNG data URL (8-bit RGB or RGBA), or <see langword="null"/>.</summary>
    private static string? ColourOfFirstImage(JsonElement body)
    {
        if (!body.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (EmulatedMediaPart part in MediaParts.Find(messages))
        {
            const string Prefix = "data:image/png;base64,";
            if (part.Kind == "image" && part.Url.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    return FirstPixel(Convert.FromBase64String(part.Url[Prefix.Length..])) is { } rgb ? Name(rgb) : null;
                }
                catch (FormatException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    private static (int R, int G, int B)? FirstPixel(byte[] png)
    {
        if (png.Length < 33 || png[1] != (byte)'P')
        {
            return null;
        }

        int channels = 0, position = 8;
        using var idat = new MemoryStream();
        while (position + 8 <= png.Length)
        {
            int length = (png[position] << 24) | (png[position + 1] << 16) | (png[position + 2] << 8) | png[position + 3];
            string type = System.Text.Encoding.ASCII.GetString(png, position + 4, 4);
            if (length < 0 || position + 12 + length > png.Length)
            {
                return null;
            }

            if (type == "IHDR")
            {
                byte bitDepth = png[position + 16], colourType = png[position + 17];
                channels = bitDepth != 8 ? 0 : colourType switch { 2 => 3, 6 => 4, _ => 0 };
            }
            else if (type == "IDAT")
            {
                idat.Write(png, position + 8, length);
            }

            position += 12 + length;
        }

        if (channels == 0 || idat.Length == 0)
        {
            return null;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        Span<byte> row = stackalloc byte[4];
        int read = inflate.ReadAtLeast(row, 4, throwOnEndOfStream: false);
        return read == 4 && row[0] == 0 ? (row[1], row[2], row[3]) : null; // filter byte 0 (none), then the first pixel
    }

    private static string Name((int R, int G, int B) rgb) => rgb switch
    {
        { R: > 200, G: < 80, B: < 80 } => "Red.",
        { R: < 80, G: > 200, B: < 80 } => "Green.",
        { R: < 80, G: < 80, B: > 200 } => "Blue.",
        { R: > 200, G: > 200, B: > 200 } => "White.",
        { R: < 50, G: < 50, B: < 50 } => "Black.",
        _ => "Unclear.",
    };
}
