using System.ComponentModel;
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

/// <summary>Plain tools, schemas generated from the method signatures.</summary>
[McpServerToolType]
public sealed class WeatherTools
{
    /// <summary>Today's weather.</summary>
    [McpServerTool(Name = "get_weather"), Description("Current weather in a city.")]
    public static string GetWeather([Description("The city.")] string city) => $"Sunny, 21 °C in {city}";

    /// <summary>A forecast.</summary>
    [McpServerTool(Name = "get_forecast"), Description("Weather forecast for the next days.")]
    public static string GetForecast([Description("The city.")] string city, [Description("How many days.")] int days) => $"{city}: rain for {days} days";

    /// <summary>A chart, as an image content block with a caption.</summary>
    [McpServerTool(Name = "render_chart"), Description("Renders a chart as a PNG image.")]
    public static IEnumerable<ContentBlock> RenderChart([Description("The chart title.")] string title) =>
        [new TextContentBlock { Text = $"Chart '{title}'" }, ImageContentBlock.FromBytes(TestTools.Png, "image/png")];
}

/// <summary>A tool whose input schema is given as JSON text, as a server written in another language might publish it; optionally its result is flagged as an error.</summary>
public sealed class RawSchemaTool(string name, string description, string schema, Func<IDictionary<string, JsonElement>, string> invoke, bool isError = false) : McpServerTool
{
    /// <inheritdoc/>
    public override Tool ProtocolTool { get; } = new() { Name = name, Description = description, InputSchema = JsonDocument.Parse(schema).RootElement.Clone() };

    /// <inheritdoc/>
    public override IReadOnlyList<object> Metadata => [];

    /// <inheritdoc/>
    public override ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(new CallToolResult
        {
            Content = [new TextContentBlock { Text = invoke(request.Params?.Arguments ?? new Dictionary<string, JsonElement>()) }],
            IsError = isError ? true : null,
        });
}
