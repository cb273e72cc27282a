using System.Text.Json;

namespace Kimi.Client;

/// <summary>The shape the answer must take (<c>response_format</c>).</summary>
public sealed class ResponseFormat
{
    private ResponseFormat(string type, string? schemaName, JsonElement? schema, string? description, bool? strict)
    {
        Type = type;
        SchemaName = schemaName;
        Schema = schema;
        SchemaDescription = description;
        Strict = strict;
    }

    /// <summary>Plain text (the default).</summary>
    public static ResponseFormat Text { get; } = new("text", null, null, null, null);

    /// <summary>Any valid JSON object (<c>json_object</c>). Tell the model in the prompt to answer in JSON.</summary>
    public static ResponseFormat JsonObject { get; } = new("json_object", null, null, null, null);

    /// <summary>JSON that follows a schema (<c>json_schema</c>). A top-level <c>$schema</c> keyword is removed for providers that reject it.</summary>
    /// <param name="name">The schema's name (letters, digits, <c>_</c> and <c>-</c>).</param>
    /// <param name="schema">The JSON schema, an object.</param>
    /// <param name="description">What the answer is for.</param>
    /// <param name="strict">Whether the provider must follow the schema exactly.</param>
    /// <returns>The format.</returns>
    public static ResponseFormat ForJsonSchema(string name, JsonElement schema, string? description = null, bool? strict = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"The JSON schema must be a JSON object; got {schema.ValueKind}.", nameof(schema));
        }

        return new("json_schema", name, schema.Clone(), description, strict);
    }

    /// <summary>The wire value of <c>response_format.type</c>.</summary>
    public string Type { get; }

    /// <summary>For <c>json_schema</c>: the schema's name.</summary>
    public string? SchemaName { get; }

    /// <summary>For <c>json_schema</c>: the schema.</summary>
    public JsonElement? Schema { get; }

    /// <summary>For <c>json_schema</c>: the schema's description.</summary>
    public string? SchemaDescription { get; }

    /// <summary>For <c>json_schema</c>: whether strict adherence is requested.</summary>
    public bool? Strict { get; }
}
