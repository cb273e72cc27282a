using Kimi.Client.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Platform;

/// <summary>A WireMock server that answers one platform path with a fixed JSON body and records every request.</summary>
internal sealed class PlatformServer : IDisposable
{
    private PlatformServer(WireMockServer server) => Server = server;

    public WireMockServer Server { get; }

    public int RequestCount => Server.LogEntries.Count;

    public WireMock.Logging.ILogEntry Single => Assert.Single(Server.LogEntries);

    public static PlatformServer Start(string path, string method, string body, int status = 200)
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath(path).UsingMethod(method))
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
        return new PlatformServer(server);
    }

    public KimiClient Client(KimiProvider provider, Action<KimiClientOptions>? configure = null, Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory = null) =>
        TestClients.For(provider, Server.Url!, configure, loggerFactory);

    public void Dispose() => Server.Dispose();
}
