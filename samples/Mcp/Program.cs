// Mcp: Kimi K2.6 uses the tools of a Model Context Protocol server, through KimiAgent, thinking on.
//   dotnet run --project samples/Mcp
//   MCP_SERVER="npx -y @modelcontextprotocol/server-everything" dotnet run --project samples/Mcp -- "Add 2 and 3."
// Without MCP_SERVER it hosts a small weather server itself (streamable HTTP on loopback); with it, it starts that command
// and talks to it over stdio. With no API key the model is the built-in emulator, scripted for the default question and
// the built-in server; set KIMI_PROVIDER (Moonshot, DeepInfra, Nvidia) and that provider's key to let the real model drive.
using System.ComponentModel;
using System.Net;
using Kimi.Client;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using ModelContextProtocol.Server;

var question = args.Length > 0 ? string.Join(' ', args) : "What is the weather in Paris now, and for the next two days?";
var provider = KimiProvider.FromName(Environment.GetEnvironmentVariable("KIMI_PROVIDER") ?? "Moonshot");

// 1. Connect to the MCP server and list its tools: each McpClientTool is a Microsoft.Extensions.AI AIFunction.
await using var server = Environment.GetEnvironmentVariable("MCP_SERVER") is { Length: > 0 } ? null : await WeatherServer.StartAsync();
IClientTransport transport = server is not null
    ? new HttpClientTransport(new() { Endpoint = server.Endpoint, TransportMode = HttpTransportMode.StreamableHttp })
    : Stdio(Environment.GetEnvironmentVariable("MCP_SERVER")!);
await using var mcp = await McpClient.CreateAsync(transport);
var tools = await mcp.ListToolsAsync();
Console.WriteLine($"{mcp.ServerInfo?.Name}: {string.Join(", ", tools.Select(t => t.Name))}");

// 2. Hand them to KimiAgent as they are. Schemas are adapted per provider (Moonshot needs every property typed), images
//    in results reach the model as images, and a server that fails mid-run becomes a tool error the model can act on.
await using var emulator = HasKey(provider) ? null : Scripted(provider);
var options = new KimiClientOptions { Provider = provider };
using var kimi = emulator is null ? new KimiClient(options) : Emulated(emulator, options);
var agent = new KimiAgent(kimi, tools, new KimiAgentOptions { MaxSteps = 8 });

await foreach (var step in agent.RunStreamingAsync([KimiMessage.User(question)]))
{
    switch (step)
    {
        case KimiAgentToolStarted tool:
            Console.WriteLine($"  -> {tool.ToolCall.Name}({tool.ToolCall.Arguments})");
            break;
        case KimiAgentToolCompleted tool:
            Console.WriteLine($"  <- {tool.Result}");
            break;
        case KimiAgentRunCompleted { Result: var result }:
            Console.WriteLine(result.StopReason == KimiAgentStopReason.Completed ? result.Text : $"Stopped: {result.StopReason} {result.Exception?.Message}");
            return result.StopReason == KimiAgentStopReason.Completed ? 0 : 1;
    }
}

return 1;

static StdioClientTransport Stdio(string commandLine)
{
    var parts = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return new StdioClientTransport(new() { Command = parts[0], Arguments = parts[1..] });
}

static bool HasKey(KimiProvider provider)
{
    var variable = provider.ApiKeyVariable ?? "KIMI_ENDPOINT"; // the profile names its key variable
    if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)))
    {
        return true;
    }

    Console.Error.WriteLine($"No {variable} set: the model is the built-in Kimi emulator ({provider} dialect), scripted for the default question.");
    return false;
}

// The offline model: current weather, then the forecast, then an answer quoting what the server returned.
static KimiEmulator Scripted(KimiProvider provider)
{
    var emulator = new KimiEmulator(new() { Provider = provider });
    emulator.Enqueue(EmulatorReply.FromToolCalls("Current weather first.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
    emulator.Enqueue(EmulatorReply.FromToolCalls("Now the forecast for two days.", new EmulatorToolCall("get_forecast", """{"city":"Paris","days":2}""")));
    emulator.Responder = request => EmulatorReply.FromText(
        "Paris: " + string.Join("; ", request.Json.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "tool").Select(m => m.GetProperty("content").GetString())),
        "Both tools answered: summarize.");
    return emulator;
}

static KimiClient Emulated(KimiEmulator emulator, KimiClientOptions options)
{
    options.Endpoint = emulator.BaseAddress;
    options.ApiKey = "emulator-key";
    return new KimiClient(new HttpClient(emulator.CreateHandler()), options);
}

/// <summary>A small MCP server (the official ModelContextProtocol package) on loopback Kestrel.</summary>
internal sealed class WeatherServer(WebApplication app, Uri endpoint) : IAsyncDisposable
{
    public Uri Endpoint { get; } = endpoint;

    public static async Task<WeatherServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "sample-weather", Version = "1.0.0" }).WithHttpTransport().WithTools<WeatherTools>();
        var app = builder.Build();
        app.MapMcp("/mcp");
        await app.StartAsync();
        return new WeatherServer(app, new Uri(app.Urls.Single() + "/mcp"));
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}

[McpServerToolType]
internal sealed class WeatherTools
{
    [McpServerTool(Name = "get_weather"), Description("Current weather in a city.")]
    public static string GetWeather([Description("The city, in English.")] string city) => $"sunny, 21 °C in {city}";

    [McpServerTool(Name = "get_forecast"), Description("Forecast for the next days.")]
    public static string GetForecast([Description("The city, in English.")] string city, [Description("Days ahead, 1 to 7.")] int days) =>
        $"rain for {days} day(s) in {city}";
}
