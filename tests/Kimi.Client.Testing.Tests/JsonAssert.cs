using System.Text.Json;

namespace Kimi.Client.Testing.Tests;

internal static class JsonAssert
{
    /// <summary>Follows a path such as <c>choices.0.message.content</c>.</summary>
    public static JsonElement At(this JsonElement element, string path)
    {
        foreach (string segment in path.Split('.'))
        {
            element = int.TryParse(segment, out int index) ? element[index] : element.GetProperty(segment);
        }

        return element;
    }

    public static bool Has(this JsonElement element, string name) => element.TryGetProperty(name, out _);

    public static string? Str(this JsonElement element, string path) => element.At(path).GetString();

    public static int Int(this JsonElement element, string path) => element.At(path).GetInt32();
}
