using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Infrastructure;

/// <summary>
/// A Kestrel server on 127.0.0.1 with a handler per test, for what WireMock cannot do: write SSE bytes with pauses,
/// cut the connection mid-stream, stall. Records each request body.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Url => BaseAddress.ToString().TrimEnd('/');

    public ConcurrentQueue<string> RequestBodies { get; } = new();

    public static async Task<LoopbackServer> StartAsync(Func<HttpContext, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        LoopbackServer? server = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            server!.RequestBodies.Enqueue(await reader.ReadToEndAsync(context.RequestAborted));
            await handler(context);
        });
        await app.StartAsync();
        var address = app.Urls.First();
        server = new LoopbackServer(app, new Uri(address));
        return server;
    }

    /// <summary>Writes SSE lines (each already framed, e.g. "data: {...}\n\n") with a flush after each.</summary>
    public static async Task WriteSseAsync(HttpContext context, IEnumerable<string> events, TimeSpan? delay = null)
    {
        context.Response.ContentType = "text/event-stream";
        foreach (var e in events)
        {
            await context.Response.WriteAsync(e, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (delay is { } d)
            {
                await Task.Delay(d, context.RequestAborted);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
