using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// Serves one provider error over real HTTP (WireMock: status, headers, body) and returns what the caller catches.
/// Fixtures live in <c>Errors/Fixtures</c>, copied verbatim from the spec.
/// </summary>
internal static class ErrorReplies
{
    public static string Fixture(string name) => Fixtures.Text(Path.Combine("Errors", "Fixtures", name));

    /// <summary>Starts a server that answers every POST with <paramref name="status"/>, the headers and the body (none when null).</summary>
    public static WireMockServer Serve(int status, string? body, string contentType = "application/json", params (string Name, string Value)[] headers)
    {
        var server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(status);
        if (body is not null)
        {
            response = response.WithHeader("Content-Type", contentType).WithBody(body);
        }

        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        server.Given(Request.Create().UsingPost()).RespondWith(response);
        return server;
    }

    /// <summary>Serves a fixture file with its status.</summary>
    public static WireMockServer ServeFixture(int status, string fixture, params (string Name, string Value)[] headers) =>
        Serve(status, Fixture(fixture), fixture.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/html", headers);

    /// <summary>Calls <c>CompleteAsync</c> on a client for the provider and returns the exception it threw (any <see cref="KimiException"/>).</summary>
    public static async Task<KimiException> CatchAsync(
        WireMockServer server, KimiProvider provider, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null)
    {
        using var client = TestClients.For(provider, server.Url!, loggerFactory: loggerFactory);
        return await Assert.ThrowsAnyAsync<KimiException>(() => client.CompleteAsync("Hello", cancellationToken: cancellationToken));
    }

    /// <summary>As <see cref="CatchAsync"/>, asserting the exact exception type.</summary>
    public static async Task<T> CatchAsync<T>(WireMockServer server, KimiProvider provider, CancellationToken cancellationToken)
        where T : KimiException
    {
        var exception = await CatchAsync(server, provider, cancellationToken);
        return Assert.IsType<T>(exception, exactMatch: true);
    }
}
