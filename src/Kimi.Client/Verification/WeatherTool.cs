using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Verification;

/// <summary>
/// The one tool of probes P3–P5, <c>get_weather(city: string, unit: "celsius"|"fahrenheit")</c> with <c>city</c> required, and
/// the K2VV rule for its calls: arguments parse as a JSON object and validate against the schema.
/// </summary>
internal static class WeatherTool
{
    public const string Name = "get_weather";

    private const string Schema =
        """{"type":"object","properties":{"city":{"type":"string","description":"The city."},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}""";

    public static AIFunctionDeclaration Declaration { get; } =
        AIFunctionFactory.CreateDeclaration(Name, "Gets the current weather for a city.", JsonDocument.Parse(Schema).RootElement.Clone());

    /// <summary>Why a call's arguments fail the schema, or <see langword="null"/> when they pass.</summary>
    public static string? Validate(ToolCall call)
    {
        if (call.Name != Name)
        {
            return $"called '{call.Name}', which was not declared";
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(call.Arguments.Length == 0 ? "{}" : call.Arguments);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return "arguments are not valid JSON";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return "arguments are not a JSON object";
        }

        if (!root.TryGetProperty("city", out var city))
        {
            return "required 'city' is missing";
        }

        if (city.ValueKind != JsonValueKind.String)
        {
            return $"'city' is a {city.ValueKind.ToString().ToLowerInvariant()}, not a string";
        }

        if (root.TryGetProperty("unit", out var unit) && !(unit.ValueKind == JsonValueKind.String && unit.GetString() is "celsius" or "fahrenheit"))
        {
            return "'unit' is not \"celsius\" or \"fahrenheit\"";
        }

        return null;
    }
}
