// The test MCP server over stdio: the shared test tools plus "crash", which ends the process mid-call so the tests can
// see what a client does when its server dies. Logs go to stderr: stdout carries the protocol.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Server;
using TestMcpServer;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Services.AddMcpServer(o => o.ServerInfo = new() { Name = "kimi-test-stdio", Version = "1.0.0" })
    .WithStdioServerTransport()
    .WithTestTools()
    .WithTools([McpServerTool.Create(() => Environment.Exit(3), new() { Name = "crash", Description = "Ends the server process." })]);
await builder.Build().RunAsync();
