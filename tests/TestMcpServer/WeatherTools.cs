using System.ComponentModel;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace TestMcpServer;

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
