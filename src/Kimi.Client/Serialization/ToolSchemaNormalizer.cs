using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Serialization;

/// <summary>
/// Turns a tool's JSON schema into what the provider accepts: always an object schema without <c>$schema</c>; for
/// providers that reject untyped nested properties (Moonshot), every property gets a <c>type</c> inferred from its
/// shape, or the call fails before sending with the path and the fix. Results are cached per tool, so an agent that
/// sends the same tools on every step pays once.
/// </summary>
internal static class ToolSchemaNormalizer
{
    private static readonly ConditionalWeakTable<AIFunctionDeclaration, Entry> Cache = new();
    private static readonly byte[] EmptyObjectSchema = """{"type":"object","properties":{}}"""u8.ToArray();

    public static byte[] GetSchema(AIFunctionDeclaration tool, bool requireTypedProperties)
    {
        var entry = Cache.GetValue(tool, static _ => new Entry());
        ref var slot = ref requireTypedProperties ? ref entry.Strict : ref entry.Lenient;
        return slot ??= Normalize(tool, requireTypedProperties);
    }

    private static byte[] Normalize(AIFunctionDeclaration tool, bool requireTypedProperties)
    {
        var schema = tool.JsonSchema;
        if (schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return EmptyObjectSchema;
        }

        if (JsonNode.Parse(schema.GetRawText()) is not JsonObject root)
        {
            throw new ArgumentException($"Tool '{tool.Name}' has a JSON schema that is not an object; tool parameters must be described by an object schema.", nameof(tool));
        }

        root.Remove("$schema");
        if (!root.ContainsKey("type"))
        {
            root["type"] = "object";
        }
        else if (root["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || type.GetValue<string>() != "object")
        {
            throw new ArgumentException($"Tool '{tool.Name}' has parameters of type {root["type"]?.ToJsonString()}; tool parameters must be a JSON object (\"type\":\"object\") whose properties are the arguments.", nameof(tool));
        }

        if (!root.ContainsKey("properties"))
        {
            root["properties"] = new JsonObject();
        }

        if (requireTypedProperties)
        {
            EnsureTyped(root, tool.Name, "parameters");
        }

        return JsonSerializer.SerializeToUtf8Bytes(root, KimiJsonContext.Default.JsonObject);
    }

    private static void EnsureTyped(JsonObject schema, string tool, string path)
    {
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, value) in properties)
            {
                if (value is JsonObject property)
                {
                    EnsureTypedProperty(property, tool, $"{path}.{name}");
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            EnsureTypedProperty(items, tool, $"{path}[]");
        }
    }

    private static void EnsureTypedProperty(JsonObject property, string tool, string path)
    {
        if (!property.ContainsKey("type"))
        {
            if (InferType(property) is { } inferred)
            {
                property["type"] = inferred;
            }
            else if (!property.ContainsKey("anyOf") && !property.ContainsKey("oneOf") && !property.ContainsKey("allOf") && !property.ContainsKey("$ref"))
            {
                throw new ArgumentException(
                    $"Tool '{tool}': {path} has no \"type\", which Moonshot rejects. Give it a type (use a concrete .NET type instead of object or JsonElement), " +
                    "or list its allowed values with \"enum\".", nameof(tool));
            }
        }

        EnsureTyped(property, tool, path);
    }

    private static string? InferType(JsonObject property)
    {
        if (property.ContainsKey("properties"))
        {
            return "object";
        }

        if (property.ContainsKey("items"))
        {
            return "array";
        }

        var values = property["enum"] is JsonArray array ? array : property.ContainsKey("const") ? new JsonArray(property["const"]?.DeepClone()) : null;
        if (values is null || values.Count == 0)
        {
            return null;
        }

        string? kind = null;
        foreach (var value in values)
        {
            var current = value?.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                JsonValueKind.Number => value!.ToJsonString().Contains('.', StringComparison.Ordinal) ? "number" : "integer",
                _ => null,
            };
            if (current is null)
            {
                return null;
            }

            kind = kind is null || kind == current ? current : (kind, current) is ("integer", "number") or ("number", "integer") ? "number" : null;
            if (kind is null)
            {
                return null;
            }
        }

        return kind;
    }

    private sealed class Entry
    {
        public byte[]? Lenient;
        public byte[]? Strict;
    }
}
