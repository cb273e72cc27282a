using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// <see cref="KimiResilienceOptions.StreamTimeout"/> bounds a whole stream: one that keeps trickling (so neither the
/// first-chunk nor the idle limit fires) is stopped at the total limit, and the error names that limit. Real, short
/// limits on a loopback server; the server's pace is far inside the idle limit and the stream far outlasts the total.
/// </summary>
public class StreamTimeoutTests
{
    private static readonly TimeSpan Total = TimeSpan.FromMilliseconds(600);

    private static string Chunk(int i) =>
        $$"""data: {"id":"t","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"content":"{{i % 10}}"},"finish_reason":null}]}""" + "\n\n";

    private const string Finish = """data: {"id":"t","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\n" + "data: [DONE]\n\n";

    /// <summary>A chunk every 50 ms for about 4 s, then a proper finish: it completes unless something cuts it short.</summary>
    private static async Task Trickle(HttpContext context)
    {
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < 80; i++)
        {
            await context.Response.WriteAsync(Chunk(i), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(50, context.RequestAborted);
        }

        await context.Response.WriteAsync(Finish, context.RequestAborted);
    }

    private static async Task<(KimiTimeoutException Exception, List<string?> Texts)> StreamFailingAsync(Func<HttpContext, Task> handler, Action<KimiResilienceOptions> limits, CancellationToken cancellationToken)
    {
        await using var server = await LoopbackServer.StartAsync(handler);
        var options = TestClients.Options(KimiProvider.Moonshot, server.Url);
        limits(options.Resilience);
        using var client = new KimiClient(options);
        var texts = new List<string?>();

        var exception = await Assert.ThrowsAsync<KimiTimeoutException>(async () =>
        {
            await foreach (var update in client.StreamAsync("Hello", cancellationToken: cancellationToken))
            {
                texts.Add(update.ContentDelta);
            }
        });

        return (exception, texts);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_stream_that_keeps_trickling_past_the_total_limit_times_out_naming_StreamTimeout()
    {
        var (exception, texts) = await StreamFailingAsync(Trickle, r =>
        {
            r.StreamTimeout = Total;
            r.IdleTimeout = TimeSpan.FromSeconds(5);
            r.FirstChunkTimeout = TimeSpan.FromSeconds(5);
        }, TestContext.Current.CancellationToken);

        Assert.Equal(Total, exception.Timeout);
        Assert.Contains("Resilience.StreamTimeout", exception.Message, StringComparison.Ordinal);
        Assert.Contains("total time limit", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("IdleTimeout", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("FirstChunkTimeout", exception.Message, StringComparison.Ordinal);
        Assert.Contains("0.6 s", exception.Message, StringComparison.Ordinal);
        Assert.Equal(KimiProvider.Moonshot, exception.Provider);

        // What arrived before the limit is kept on the exception.
        Assert.NotEmpty(texts);
        Assert.Equal(string.Concat(texts), exception.PartialCompletion!.Text);
        Assert.True(exception.PartialCompletion.IsIncomplete);
        Assert.Single(exception.Attempts);
    }

    [Fact(Timeout = 20_000)]
    public async Task The_total_limit_fires_when_the_caller_passes_no_token()
    {
        // CancellationToken.None on purpose: with no caller token, only the stream's own limit can end it early (the test's
        // token only stops the wait if the test itself times out).
        var (exception, texts) = await StreamFailingAsync(Trickle, r =>
        {
            r.StreamTimeout = Total;
            r.IdleTimeout = TimeSpan.FromSeconds(5);
            r.FirstChunkTimeout = TimeSpan.FromSeconds(5);
        }, CancellationToken.None).WaitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Total, exception.Timeout);
        Assert.Contains("Resilience.StreamTimeout", exception.Message, StringComparison.Ordinal);
        Assert.Equal(string.Concat(texts), exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 20_000)]
    public async Task The_total_limit_is_named_when_it_fires_before_the_first_chunk()
    {
        var (exception, texts) = await StreamFailingAsync(
            async context =>
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.Body.FlushAsync(context.RequestAborted); // headers, then silence
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
                await context.Response.WriteAsync(Chunk(1) + Finish, context.RequestAborted);
            },
            r =>
            {
                r.StreamTimeout = Total;
                r.FirstChunkTimeout = TimeSpan.FromSeconds(4);
                r.IdleTimeout = TimeSpan.FromSeconds(4);
            },
            TestContext.Current.CancellationToken);

        Assert.Empty(texts);
        Assert.Equal(Total, exception.Timeout);
        Assert.Contains("Resilience.StreamTimeout", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("FirstChunkTimeout", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task Without_a_total_limit_a_trickling_stream_completes()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < 20; i++)
            {
                await context.Response.WriteAsync(Chunk(i), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(50, context.RequestAborted);
            }

            await context.Response.WriteAsync(Finish, context.RequestAborted);
        });
        var options = TestClients.Options(KimiProvider.Moonshot, server.Url);
        options.Resilience.IdleTimeout = TimeSpan.FromSeconds(5);
        using var client = new KimiClient(options);

        var result = await StreamReplay.CollectAsync(client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.Equal("01234567890123456789", result.Completion.Text);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_total_limit_longer_than_the_stream_lets_it_complete()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < 3; i++)
            {
                await context.Response.WriteAsync(Chunk(i), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            await context.Response.WriteAsync(Finish, context.RequestAborted);
        });
        var options = TestClients.Options(KimiProvider.Moonshot, server.Url);
        options.Resilience.StreamTimeout = TimeSpan.FromSeconds(30);
        using var client = new KimiClient(options);

        var result = await StreamReplay.CollectAsync(client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.Equal("012", result.Completion.Text);
        Assert.False(result.Completion.IsIncomplete);
    }
}
