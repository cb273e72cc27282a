using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace TestMcpServer;

/// <summary>The tools every test server offers: plain ones from attributes, one returning an image, and raw schemas as real servers write them.</summary>
public static class TestTools
{
    /// <summary>A 1×1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    /// <summary>Schemas Moonshot refuses as they are, but that can be rewritten without changing their meaning.</summary>
    public const string LookupOrderSchema = """
        {"type":"object","properties":{
           "order":{"$ref":"#/$defs/OrderId","description":"The order to look up."},
           "fields":{"type":"array","items":{"$ref":"#/$defs/Field"}},
           "since":{"anyOf":[{"type":"string","format":"date"},{"type":"null"}],"default":null}},
         "required":["order"],
         "$defs":{"OrderId":{"type":"string","pattern":"^A[0-9]+$"},"Field":{"enum":["status","total"]}}}
        """;

    /// <summary>A property typed as the schema <c>true</c> (any value), as some generators write for "object".</summary>
    public const string StoreValueSchema = """{"type":"object","properties":{"key":{"type":"string"},"value":true},"required":["key","value"]}""";

    /// <summary>Adds the shared tools.</summary>
    public static IMcpServerBuilder WithTestTools(this IMcpServerBuilder builder) => builder
        .WithTools<WeatherTools>()
        .WithTools(
        [
            new RawSchemaTool("lookup_order", "Looks up an order.", LookupOrderSchema, args => $"Order {args["order"]}: shipped"),
            new RawSchemaTool("store_value", "Stores a value.", StoreValueSchema, _ => "stored"),
            new RawSchemaTool("find_city", "Finds a city.", """{"type":"object","properties":{"name":{"type":"string"}}}""", args => $"No city named {args["name"]}.", isError: true),
        ]);
}
