using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Serialization;

/// <summary>
/// Turns a tool's JSON schema into what the provider accepts: always an object schema without <c>$schema</c>. For
/// providers that validate schemas strictly (Moonshot's "moonshot flavored JSON schema"), the schema is also rewritten
/// where that keeps its meaning — local <c>$ref</c>s inlined, single-item and mergeable <c>allOf</c> folded in, a parent's
/// <c>type</c> moved into its <c>anyOf</c>/<c>oneOf</c> items, types inferred from <c>enum</c>, <c>const</c>,
/// <c>properties</c> and <c>items</c> — and anything still untyped fails before sending, naming the tool and the path.
/// Results are cached per tool, so an agent that sends the same tools on every step pays once.
/// </summary>
internal static class ToolSchemaNormalizer
{
    /// <summary>How deep a schema may nest: the JSON reader's default, which the provider's own parser is not known to exceed.</summary>
    public const int MaxDepth = 64;

    private static readonly ConditionalWeakTable<AIFunctionDeclaration, Entry> Cache = new();
    private static readonly byte[] EmptyObjectSchema = """{"type":"object","properties":{}}"""u8.ToArray();

    // Keywords whose value is one schema, and those whose value is a list or a map of schemas (JSON Schema 2020-12 and draft 7).
    private static readonly string[] SingleSchemaKeywords = ["additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "unevaluatedProperties", "unevaluatedItems", "additionalItems"];
    private static readonly string[] SchemaListKeywords = ["prefixItems"];
    private static readonly string[] SchemaMapKeywords = ["patternProperties", "dependentSchemas"];

    public static byte[] GetSchema(AIFunctionDeclaration tool, bool requireTypedProperties)
    {
        var entry = Cache.GetValue(tool, static _ => new Entry());
        ref var slot = ref requireTypedProperties ? ref entry.Strict : ref entry.Lenient;
        return slot ??= Normalize(tool, requireTypedProperties);
    }

    private static byte[] Normalize(AIFunctionDeclaration tool, bool strict)
    {
        var schema = tool.JsonSchema;
        if (schema.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return EmptyObjectSchema;
        }

        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(schema.GetRawText(), documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            throw new ArgumentException(
                $"{Describe(tool)} has a parameter schema nested deeper than {MaxDepth} levels, which providers' JSON parsers refuse. " +
                "Flatten the schema (for example pass a nested structure as a JSON string parameter), or leave this tool out.", nameof(tool));
        }

        if (parsed is not JsonObject root)
        {
            throw new ArgumentException($"{Describe(tool)} has a JSON schema that is not an object; tool parameters must be described by an object schema.", nameof(tool));
        }

        root.Remove("$schema");
        var rewriter = strict ? new StrictRewriter(tool, root) : null;
        rewriter?.ExpandRoot(); // a root $ref or allOf first, so the defaults below do not shadow what it brings
        if (!root.ContainsKey("type"))
        {
            root["type"] = "object";
        }
        else if (root["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || type.GetValue<string>() != "object")
        {
            throw new ArgumentException($"{Describe(tool)} has parameters of type {root["type"]?.ToJsonString()}; tool parameters must be a JSON object (\"type\":\"object\") whose properties are the arguments.", nameof(tool));
        }

        if (!root.ContainsKey("properties"))
        {
            root["properties"] = new JsonObject();
        }

        rewriter?.Run();

        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(root, KimiJsonContext.Default.JsonObject);
        }
        catch (JsonException)
        {
            // Inlining $refs can nest a schema past the writer's depth even when the source was shallow enough.
            throw new ArgumentException(
                $"{Describe(tool)} has a parameter schema nested deeper than {MaxDepth} levels once its $refs are inlined. Flatten the schema, or leave this tool out.", nameof(tool));
        }
    }

    /// <summary>"Tool 'x'", or "MCP tool 'x' ('Title')" for a tool listed from an MCP server (found by shape, with no MCP dependency).</summary>
    internal static string Describe(AIFunctionDeclaration tool) =>
        tool.GetType().FullName == "ModelContextProtocol.Client.McpClientTool" ? $"MCP tool '{tool.Name}'" : $"Tool '{tool.Name}'";

    /// <summary>Moonshot's rules, applied in place to one schema.</summary>
    private sealed class StrictRewriter(AIFunctionDeclaration tool, JsonObject root)
    {
        private readonly JsonObject? _defs = root["$defs"] as JsonObject;
        private readonly JsonObject? _definitions = root["definitions"] as JsonObject;
        private readonly List<string> _expanding = [];

        public void ExpandRoot()
        {
            var expanded = ExpandReference(root, "parameters");
            FoldAllOf(root, "parameters");
            _expanding.RemoveRange(_expanding.Count - expanded, expanded);
        }

        public void Run()
        {
            RewriteObject(root, "parameters", requireType: true, isRoot: true);

            // Every reference is inlined now; Moonshot checks definitions too, so unused ones must not stay.
            root.Remove("$defs");
            root.Remove("definitions");
        }

        /// <summary>Rewrites, in place, the schema at a schema position.</summary>
        private void Rewrite(JsonNode? node, string path, bool requireType)
        {
            switch (node)
            {
                case JsonObject schema:
                    RewriteObject(schema, path, requireType, isRoot: false);
                    return;
                case JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                    if (!requireType)
                    {
                        return; // additionalProperties:false and the like are fine
                    }

                    throw Fail(path, value.GetValueKind() == JsonValueKind.True
                        ? "is the schema true (any value), which has no \"type\""
                        : "is the schema false (no value is valid)",
                        "Give it a typed schema such as {\"type\":\"string\"}, or remove the property.");
                default:
                    throw Fail(path, $"is {node?.ToJsonString() ?? "null"}, which is not a schema", "Use a JSON object with a \"type\".");
            }
        }

        private void RewriteObject(JsonObject schema, string path, bool requireType, bool isRoot)
        {
            var expanded = ExpandReference(schema, path);
            FoldAllOf(schema, path);
            RewriteChildren(schema, path);

            var hasUnion = false;
            foreach (var keyword in (ReadOnlySpan<string>)["anyOf", "oneOf"])
            {
                if (schema[keyword] is not JsonArray union)
                {
                    continue;
                }

                hasUnion = true;

                // {"type":T,"anyOf":[A,B]} means {"anyOf":[{T,…A},{T,…B}]}; Moonshot wants the type in the items.
                var parentType = schema["type"];
                for (var i = 0; i < union.Count; i++)
                {
                    if (parentType is not null && union[i] is JsonObject item && !item.ContainsKey("type"))
                    {
                        item["type"] = parentType.DeepClone();
                    }

                    // Untyped items pass on K2.6 (a live test); a type is still written where it can be inferred.
                    Rewrite(union[i], $"{path}.{keyword}[{i}]", requireType: false);
                    if (union[i] is JsonObject untyped && !untyped.ContainsKey("type") && InferType(untyped) is { } itemType)
                    {
                        untyped["type"] = itemType;
                    }
                }

                if (!isRoot)
                {
                    schema.Remove("type");
                }
            }

            if (requireType && !hasUnion && !schema.ContainsKey("type"))
            {
                if (InferType(schema) is { } inferred)
                {
                    schema["type"] = inferred;
                }
                else
                {
                    throw Fail(path, "has no \"type\"", "Give it a type (use a concrete .NET type instead of object or JsonElement), or list its allowed values with \"enum\".");
                }
            }

            _expanding.RemoveRange(_expanding.Count - expanded, expanded);
        }

        private void RewriteChildren(JsonObject schema, string path)
        {
            if (schema["properties"] is JsonObject properties)
            {
                foreach (var (name, property) in properties)
                {
                    Rewrite(property, $"{path}.{name}", requireType: true);
                }
            }

            switch (schema["items"])
            {
                case JsonArray tuple:
                    // Draft-7 tuple items are rejected by Moonshot; one schema for all positions keeps the meaning only when they agree.
                    if (tuple.Count == 0 || tuple.Any(t => !JsonNode.DeepEquals(t, tuple[0])))
                    {
                        throw Fail($"{path}.items", "is a tuple (a list of schemas)", "Use one \"items\" schema for every element.");
                    }

                    var single = tuple[0]!.DeepClone();
                    schema["items"] = single;
                    Rewrite(single, $"{path}[]", requireType: true);
                    break;
                case { } items:
                    Rewrite(items, $"{path}[]", requireType: true);
                    break;
            }

            foreach (var keyword in SingleSchemaKeywords)
            {
                if (schema[keyword] is JsonObject child)
                {
                    RewriteObject(child, $"{path}.{keyword}", requireType: false, isRoot: false);
                }
            }

            foreach (var keyword in SchemaListKeywords)
            {
                if (schema[keyword] is JsonArray list)
                {
                    for (var i = 0; i < list.Count; i++)
                    {
                        Rewrite(list[i], $"{path}.{keyword}[{i}]", requireType: false);
                    }
                }
            }

            foreach (var keyword in SchemaMapKeywords)
            {
                if (schema[keyword] is JsonObject map)
                {
                    foreach (var (name, child) in map)
                    {
                        Rewrite(child, $"{path}.{keyword}.{name}", requireType: false);
                    }
                }
            }
        }

        /// <summary>
        /// Replaces a local <c>$ref</c> (and a reference its target makes in turn) by a copy of its target; sibling
        /// keywords (description, default …) win over the target's.
        /// </summary>
        /// <returns>How many references were pushed on the expansion stack; the caller pops them when done with the schema.</returns>
        private int ExpandReference(JsonObject schema, string path)
        {
            var count = 0;
            while (schema.TryGetPropertyValue("$ref", out var reference))
            {
                var pointer = reference is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : reference?.ToJsonString() ?? "null";
                if (_expanding.Contains(pointer))
                {
                    throw Fail(path, $"refers to {pointer} inside its own definition (a recursive schema), which cannot be inlined",
                        "Moonshot needs every nested property typed in place: cap the recursion at a fixed depth, or pass the nested part as a JSON string parameter.");
                }

                if (Resolve(pointer) is not JsonObject target)
                {
                    throw Fail(path, $"refers to {pointer}, which is not a definition in this schema ($defs or definitions)",
                        "Include the definition in the schema's $defs, or inline it.");
                }

                schema.Remove("$ref");
                var siblings = schema.Select(static p => (p.Key, Value: p.Value?.DeepClone())).ToArray();
                schema.Clear();
                foreach (var (key, value) in target)
                {
                    schema[key] = value?.DeepClone();
                }

                foreach (var (key, value) in siblings)
                {
                    schema[key] = value;
                }

                _expanding.Add(pointer);
                count++;
            }

            return count;
        }

        private JsonNode? Resolve(string pointer)
        {
            const string DefsPrefix = "#/$defs/";
            const string DefinitionsPrefix = "#/definitions/";
            if (pointer.StartsWith(DefsPrefix, StringComparison.Ordinal) && !pointer.AsSpan(DefsPrefix.Length).Contains('/'))
            {
                return _defs?[Unescape(pointer[DefsPrefix.Length..])];
            }

            if (pointer.StartsWith(DefinitionsPrefix, StringComparison.Ordinal) && !pointer.AsSpan(DefinitionsPrefix.Length).Contains('/'))
            {
                return _definitions?[Unescape(pointer[DefinitionsPrefix.Length..])];
            }

            return null;
        }

        private static string Unescape(string token) => Uri.UnescapeDataString(token).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

        /// <summary>
        /// <c>allOf</c> is a conjunction: its items merge into the parent when no keyword conflicts (the Pydantic
        /// <c>{"allOf":[{"$ref":…}],"description":…}</c> pattern above all). Conflicts fail with the path.
        /// </summary>
        private void FoldAllOf(JsonObject schema, string path)
        {
            if (schema["allOf"] is not JsonArray all)
            {
                return;
            }

            schema.Remove("allOf");
            for (var i = 0; i < all.Count; i++)
            {
                var itemPath = $"{path}.allOf[{i}]";
                if (all[i] is JsonValue boolean && boolean.GetValueKind() == JsonValueKind.True)
                {
                    continue;
                }

                if (all[i] is not JsonObject item)
                {
                    throw Fail(itemPath, "is not a schema object", "Remove it, or use an object schema.");
                }

                var copy = (JsonObject)item.DeepClone();
                var expanded = ExpandReference(copy, itemPath);
                FoldAllOf(copy, itemPath);
                _expanding.RemoveRange(_expanding.Count - expanded, expanded);
                foreach (var (key, value) in copy)
                {
                    Merge(schema, key, value?.DeepClone(), itemPath);
                }
            }
        }

        private void Merge(JsonObject schema, string key, JsonNode? value, string path)
        {
            if (!schema.TryGetPropertyValue(key, out var existing))
            {
                schema[key] = value;
                return;
            }

            switch (key)
            {
                case "description" or "title" or "default" or "examples":
                    return; // the outer annotation wins
                case "required" when existing is JsonArray names && value is JsonArray more:
                    foreach (var name in more)
                    {
                        if (!names.Any(n => JsonNode.DeepEquals(n, name)))
                        {
                            names.Add(name?.DeepClone());
                        }
                    }

                    return;
                case "properties" when existing is JsonObject mine && value is JsonObject theirs:
                    foreach (var (name, property) in theirs)
                    {
                        if (mine.TryGetPropertyValue(name, out var current) && !JsonNode.DeepEquals(current, property))
                        {
                            throw Fail($"{path}.{name}", "is defined differently in two allOf items", "Merge the two definitions of the property into one.");
                        }

                        mine[name] = property?.DeepClone();
                    }

                    return;
            }

            if (!JsonNode.DeepEquals(existing, value))
            {
                throw Fail(path, $"sets \"{key}\" differently from the schema it is combined with (allOf)", "Merge the allOf items into one schema.");
            }
        }

#pragma warning disable CA2208 // The tool is the argument at fault, as in the checks above.
        private ArgumentException Fail(string path, string problem, string fix) =>
            new($"{Describe(tool)}: {path} {problem}, which Moonshot rejects. {fix}", nameof(tool));
#pragma warning restore CA2208
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
