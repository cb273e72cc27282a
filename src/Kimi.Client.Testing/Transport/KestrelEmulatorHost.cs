using System.Net;
using Kimi.Client.Testing.Processing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kimi.Client.Testing.Transport;

/// <summary>Serves the emulator over HTTP on a loopback port with a bare Kestrel: no configuration, logging or MVC.</summary>
internal sealed class KestrelEmulatorHost : IAsyncDisposable
{
    private static readonly TimeSpan CutGracePeriod = TimeSpan.FromMilliseconds(100);

    private readonly WebApplication _app;

    private KestrelEmulatorHost(WebApplication app, Uri root)
    {
        _app = app;
        Root = root;
    }

    /// <summary>Gets the server root, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Root { get; }

    public static async Task<KestrelEmulatorHost> StartAsync(KimiEmulator emulator, CancellationToken cancellationToken)
    {
        // The empty builder reads no appsettings.json or environment, so a test project's Kestrel settings cannot leak in.
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        builder.Services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        WebApplication app = builder.Build();
        app.Run(context => HandleAsync(context, emulator));
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new KestrelEmulatorHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task HandleAsync(HttpContext context, KimiEmulator emulator)
    {
        emulator.BeginServing();
        try
        {
            await ServeAsync(context, emulator).ConfigureAwait(false);
        }
        finally
        {
            emulator.EndServing();
        }
    }

    private static async Task ServeAsync(HttpContext context, KimiEmulator emulator)
    {
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, emulator.DisposalToken);
        CancellationToken cancellationToken = cancellation.Token;
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in context.Request.Headers)
        {
            headers[header.Key] = string.Join(", ", header.Value.ToArray());
        }

        EmulatorResponse response;
        try
        {
            response = emulator.Process(context.Request.Method, context.Request.PathBase + context.Request.Path, headers, body.ToArray());
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A throwing Responder: in memory the exception reaches the caller; over HTTP it becomes a 500 that names it.
            context.Response.StatusCode = 500;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync($"Kimi emulator responder failed: {exception.GetType().Name}: {exception.Message}", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (response.Delay > TimeSpan.Zero)
        {
            await Task.Delay(response.Delay, cancellationToken).ConfigureAwait(false);
        }

        context.Response.StatusCode = response.StatusCode;
        if (response.ContentType is not null)
        {
            context.Response.ContentType = response.ContentType;
        }

        foreach (KeyValuePair<string, string> header in response.Headers)
        {
            context.Response.Headers[header.Key] = header.Value;
        }

        if (response.Events is not { } events)
        {
            context.Response.ContentLength = response.Body.Length;
            await context.Response.Body.WriteAsync(response.Body, cancellationToken).ConfigureAwait(false);
            return;
        }

        await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
        TimeSpan delay = emulator.Options.ChunkDelay;
        for (int i = 0; i < events.Count; i++)
        {
            if (i > 0 && delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }

            // Flush after every event so a reader sees it at once.
            await context.Response.Body.WriteAsync(events[i], cancellationToken).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        if (response.CutAfterEvents)
        {
            // Abort drops output the socket has not sent yet: give the flushed events a moment to leave first.
            await Task.Delay(CutGracePeriod, cancellationToken).ConfigureAwait(false);
            context.Abort();
        }
    }

    /// <summary>Starts and stops with the emulator; unlike the console lifetime it does not take over Ctrl+C or SIGTERM.</summary>
    private sealed class EmbeddedHostLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
