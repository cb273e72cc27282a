using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Client;
using TestMcpServer;

namespace Kimi.Client.Ecosystem.Tests.Mcp;

/// <summary>A connected MCP client and whatever hosts its server; disposing stops both.</summary>
internal sealed class McpConnection : IAsyncDisposable
{
    private readonly WebApplication? _app;

    private McpConnection(McpClient client, WebApplication? app)
    {
        Client = client;
        _app = app;
    }

    public McpClient Client { get; }

    public static async Task<McpConnection> OpenAsync(McpTransport transport, CancellationToken cancellationToken) =>
        transport == McpTransport.Http ? await OpenHttpAsync(cancellationToken) : await OpenStdioAsync(cancellationToken);

    /// <summary>The server's tools, as <c>McpClientTool</c>s (Microsoft.Extensions.AI functions).</summary>
    public async Task<IList<McpClientTool>> ToolsAsync(CancellationToken cancellationToken, params string[] names)
    {
        var tools = await Client.ListToolsAsync(cancellationToken: cancellationToken);
        return names.Length == 0 ? tools : [.. names.Select(n => tools.Single(t => t.Name == n))];
    }

    /// <summary>Stops an in-process HTTP server as if it had died; the client stays, with requests now refused.</summary>
    public async Task KillServerAsync()
    {
        Assert.NotNull(_app);
        await _app.StopAsync(new CancellationToken(canceled: true)); // no graceful drain: the server is gone
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private static async Task<McpConnection> OpenHttpAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "kimi-test-http", Version = "1.0.0" })
            .WithHttpTransport()
            .WithTestTools();
        var app = builder.Build();
        app.MapMcp("/mcp");
        await app.StartAsync(cancellationToken);
        var endpoint = new Uri(app.Urls.Single() + "/mcp");
        var transport = new HttpClientTransport(new HttpClientTransportOptions { Endpoint = endpoint, TransportMode = HttpTransportMode.StreamableHttp });
        return new McpConnection(await McpClient.CreateAsync(transport, cancellationToken: cancellationToken), app);
    }

    private static async Task<McpConnection> OpenStdioAsync(CancellationToken cancellationToken)
    {
        // Built by the project reference and copied beside the tests, so a clean `dotnet test` of the solution finds it.
        var server = Path.Combine(AppContext.BaseDirectory, "TestMcpServer.dll");
        Assert.True(File.Exists(server), $"{server} is missing: build tests/TestMcpServer (the test project references it).");
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "kimi-test-stdio",
            Command = "dotnet",
            Arguments = [server],
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        });
        return new McpConnection(await McpClient.CreateAsync(transport, cancellationToken: cancellationToken), app: null);
    }
}
