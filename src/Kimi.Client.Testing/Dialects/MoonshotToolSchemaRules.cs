using System.Text.Json;

namespace Kimi.Client.Testing.Dialects;

/// <summary>
/// Moonshot's "moonshot flavored JSON schema" check on <c>tools[].function.parameters</c>, from the 400s users recorded
/// (moonshot.md, Tools: nested properties without <c>type</c>; recorded messages quoted below). The message shape is
/// <c>tools.function.parameters is not a valid moonshot flavored json schema, details: &lt;At path '…': …&gt;</c>.
/// </summary>
/// <remarks>
/// Recorded: "type is not defined" (earendil-works/pi#4138, K2.6); <c>tools.function.parameters.type is required and must be
/// "object"</c> (14790897/MiqroForge-Desktop#1165, K2.6 and K3); "references must start with #/$defs/"
/// (CommandCodeAI/command-code#594); "conflicting keywords found after $ref expansion: description" (MoonshotAI/kimi-cli#2061, K2.6);
/// "when using $ref, type should be defined in the referenced schema instead of the parent schema" (router-for-me/CLIProxyAPI#5316).
/// Not enforced: "when using anyOf, type should be defined in anyOf items instead of the parent schema", recorded for K3 and
/// Kimi's coding endpoint (MoonshotAI/kimi-cli#2531) while a live K2.6 test on the platform accepted both a typed parent over
/// anyOf and untyped anyOf items (MiqroForge-Desktop#1165); the SDK writes types into the items anyway, which satisfies
/// both. The duplicate-name message is constructed (moonshot.md, Tools).
/// </remarks>
internal static class MoonshotToolSchemaRules
{
    private const string Prefix = "tools.function.parameters is not a valid moonshot flavored json schema, details: ";

    /// <returns>The message of the 400, or <see langword="null"/> when every tool passes.</returns>
    public static string? Check(JsonElement body)
    {
        if (!body.TryGetProperty("tools", out JsonElement tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonElement tool in tools.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object
                || !tool.TryGetProperty("function", out JsonElement function) || function.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (function.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String && !names.Add(name.GetString()!))
            {
                return $"function name {name.GetString()} is duplicated";
            }

            if (!function.TryGetProperty("parameters", out JsonElement parameters) || parameters.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (parameters.ValueKind != JsonValueKind.Object
                || !parameters.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("object"))
            {
                return "tools.function.parameters.type is required and must be \"object\"";
            }

            if (CheckSchema(parameters, "root", requireType: true) is { } problem)
            {
                return Prefix + problem;
            }

            if (parameters.TryGetProperty("$defs", out JsonElement defs) && defs.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty definition in defs.EnumerateObject())
                {
                    if (CheckSchema(definition.Value, $"$defs.{definition.Name}", requireType: true) is { } defProblem)
                    {
                        return Prefix + defProblem;
                    }
                }
            }
        }

        return null;
    }

    private static string? CheckSchema(JsonElement schema, string path, bool requireType)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            // true/false schemas carry no type.
            return requireType ? At(path, "type is not defined") : null;
        }

        if (schema.TryGetProperty("$ref", out JsonElement reference))
        {
            if (reference.ValueKind != JsonValueKind.String || !reference.GetString()!.StartsWith("#/$defs/", StringComparison.Ordinal))
            {
                return At(Join(path, "$ref"), "references must start with #/$defs/");
            }

            foreach (JsonProperty sibling in schema.EnumerateObject())
            {
                if (sibling.NameEquals("type"))
                {
                    return At(path, "when using $ref, type should be defined in the referenced schema instead of the parent schema");
                }

                if (!sibling.NameEquals("$ref"))
                {
                    return At(path, $"conflicting keywords found after $ref expansion: {sibling.Name}");
                }
            }

            return null;
        }

        bool hasType = schema.TryGetProperty("type", out _);
        bool hasUnion = false;
        foreach (string keyword in (ReadOnlySpan<string>)["anyOf", "oneOf"])
        {
            if (!schema.TryGetProperty(keyword, out JsonElement union) || union.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            // Items need no type of their own on K2.6 (see remarks); their properties still do.
            hasUnion = true;
            int index = 0;
            foreach (JsonElement item in union.EnumerateArray())
            {
                if (CheckSchema(item, Join(path, $"{keyword}.{index++}"), requireType: false) is { } problem)
                {
                    return problem;
                }
            }
        }

        if (requireType && !hasType && !hasUnion)
        {
            return At(path, "type is not defined");
        }

        if (schema.TryGetProperty("properties", out JsonElement properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in properties.EnumerateObject())
            {
                if (CheckSchema(property.Value, Join(path, $"properties.{property.Name}"), requireType: true) is { } problem)
                {
                    return problem;
                }
            }
        }

        if (schema.TryGetProperty("items", out JsonElement items))
        {
            // Tuple items (a list of schemas) are rejected too (anomalyco/opencode#39995; message constructed).
            return items.ValueKind == JsonValueKind.Array
                ? At(Join(path, "items"), "items must be a schema object")
                : CheckSchema(items, Join(path, "items"), requireType: true);
        }

        return null;
    }

    private static string Join(string path, string child) => path == "root" ? child : $"{path}.{child}";

    private static string At(string path, string detail) => $"<At path '{path}': {detail}>";
}
