using System.Text.Json;

namespace Kimi.Client.Platform;

/// <summary>Reads an OpenAI-style model list (<c>{"object":"list","data":[…]}</c>) with every host's capability fields.</summary>
internal static class ModelListReader
{
    public static IReadOnlyList<KimiModelInfo> Read(JsonElement root)
    {
        var models = new List<KimiModelInfo>();
        var data = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data", out var d) ? d : root; // a bare array is read too
        if (data.ValueKind != JsonValueKind.Array)
        {
            return models;
        }

        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || Text(item, "id") is not { Length: > 0 } id)
            {
                continue;
            }

            models.Add(new KimiModelInfo(id)
            {
                OwnedBy = Text(item, "owned_by"),
                Created = item.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var seconds) &&
                          seconds is > 0 and < 253_402_300_800 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null,
                DisplayName = Text(item, "display_name"),
                ContextLength = Number(item, "context_length") ?? Number(item, "max_model_len"), // Moonshot, OpenRouter / vLLM, SGLang
                SupportsImageInput = Flag(item, "supports_image_in"),
                SupportsVideoInput = Flag(item, "supports_video_in"),
                SupportsReasoning = Flag(item, "supports_reasoning"),
            });
        }

        return models;
    }

    private static string? Text(JsonElement item, string name) => item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n > 0 ? n : null;

    // Missing or not a boolean: unknown, never false.
    private static bool? Flag(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;
}
