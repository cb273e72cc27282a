using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// A loopback server that plays a script of replies, one per request (the last repeats), counting requests and those in
/// flight; plus the dialect-shaped bodies and clocks the fault tests share.
/// </summary>
internal sealed class FaultServer : IAsyncDisposable
{
    public const string Hello1 = """data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}""" + "\n\n";
    public const string Hello2 = """data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""" + "\n\n";
    public const string Done = "data: [DONE]\n\n";

    private readonly Func<HttpContext, Task>[] _script;
    private int _requests;
    private int _inFlight;

    private FaultServer(Func<HttpContext, Task>[] script) => _script = script;

    public LoopbackServer Server { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public int InFlight => Volatile.Read(ref _inFlight);

    public static async Task<FaultServer> StartAsync(params Func<HttpContext, Task>[] script)
    {
        var fault = new FaultServer(script);
        fault.Server = await LoopbackServer.StartAsync(fault.HandleAsync);
        return fault;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _requests) - 1;
        Interlocked.Increment(ref _inFlight);
        try
        {
            await _script[Math.Min(n, _script.Length - 1)](context);
        }
        catch (OperationCanceledException)
        {
            // the client went away
        }
        catch (IOException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public KimiClientOptions Options(KimiProvider provider, int maxAttempts = 3)
    {
        var options = TestClients.Options(provider, Server.Url);
        options.Resilience = new KimiResilienceOptions
        {
            MaxAttempts = maxAttempts,
            // Fake-clock tests: generous limits, so only the scripted waits are seen.
            ResponseTimeout = TimeSpan.FromHours(2),
            StreamingResponseTimeout = TimeSpan.FromHours(2),
            FirstChunkTimeout = TimeSpan.FromHours(2),
            IdleTimeout = TimeSpan.FromHours(2),
            TotalTimeout = TimeSpan.FromHours(10),
        };
        return options;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>Writes SSE events, flushing each; the content type is set only before the response starts.</summary>
    public static async Task WriteAsync(HttpContext context, IEnumerable<string> events, TimeSpan? delay = null)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.ContentType = "text/event-stream";
        }

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

    // Replies.
    public static Func<HttpContext, Task> Ok => static context => WriteAsync(context, [Hello1, Hello2, Done]);

    public static Func<HttpContext, Task> Json(int status, string body, params (string Name, string Value)[] headers) => async context =>
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    };

    public static Func<HttpContext, Task> Abort => static context =>
    {
        context.Abort();
        return Task.CompletedTask;
    };

    public static Func<HttpContext, Task> CutAfterFirstChunk => static async context =>
    {
        await WriteAsync(context, [Hello1]);
        await Task.Delay(50, context.RequestAborted);
        context.Abort();
    };

    public static Func<HttpContext, Task> Stall(TimeSpan beforeHeaders = default, TimeSpan afterHeaders = default, TimeSpan afterFirstChunk = default) => async context =>
    {
        await Task.Delay(beforeHeaders, context.RequestAborted);
        context.Response.ContentType = "text/event-stream";
        await context.Response.StartAsync(context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await Task.Delay(afterHeaders, context.RequestAborted);
        await WriteAsync(context, [Hello1]);
        await Task.Delay(afterFirstChunk, context.RequestAborted);
        await WriteAsync(context, [Hello2, Done]);
    };

    /// <summary>A dialect-shaped error body.</summary>
    public static string Body(KimiProvider provider, int status, string message)
    {
        var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return provider.Name switch
        {
            "Nvidia" => "{\"status\":" + code + ",\"title\":\"" + message + "\"}",
            "SGLang" => "{\"object\":\"error\",\"message\":\"" + message + "\",\"type\":\"ServerError\",\"param\":null,\"code\":" + code + "}",
            "Vllm" => "{\"error\":{\"message\":\"" + message + "\",\"type\":\"ServerError\",\"param\":null,\"code\":" + code + "}}",
            "DeepInfra" => "{\"error\":{\"message\":\"" + message + "\"}}",
            _ => "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + (status == 429 ? "rate_limit_reached_error" : "server_error") + "\"}}",
        };
    }

    public static async Task<ChatCompletion> StreamAsync(KimiClient client, CancellationToken cancellationToken)
    {
        var stream = client.StreamAsync("Hello", cancellationToken: cancellationToken);
        await foreach (var _ in stream.WithCancellation(cancellationToken))
        {
        }

        return stream.Completion!;
    }
}

/// <summary>A <see cref="FakeTimeProvider"/> moved forward in the background so waits (backoff, Retry-After) pass in milliseconds.</summary>
internal sealed class RunningClock : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RunningClock(TimeSpan? step = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(250);
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Time.Advance(by);
                await Task.Delay(1).ConfigureAwait(false);
            }
        });
    }

    public FakeTimeProvider Time { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
