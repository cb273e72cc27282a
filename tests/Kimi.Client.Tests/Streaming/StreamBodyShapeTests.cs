using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// What a streaming request accepts as a stream (the content types gateways really label SSE with) and how a whole JSON
/// answer to it fails: too large, stalled, or cut, each as its own typed error naming the setting to change.
/// </summary>
public class StreamBodyShapeTests
{
    private const string Events =
        "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    [Theory(Timeout = 30_000)]
    [InlineData("text/event-stream; charset=utf-8")]
    [InlineData("text/plain")]
    [InlineData("application/x-ndjson")]
    [InlineData("application/octet-stream")]
    [InlineData(null)]
    public async Task Events_labelled_with_a_content_type_gateways_use_are_read_as_a_stream(string? contentType)
    {
        var result = await StreamReplay.ReplayLoopbackAsync(async context =>
        {
            if (contentType is not null)
            {
                context.Response.ContentType = contentType;
            }

            await context.Response.WriteAsync(Events, context.RequestAborted);
        }, TestContext.Current.CancellationToken);

        Assert.Equal("Hi", result.Completion.Text);
        Assert.False(result.Completion.IsIncomplete);
    }

    private static async Task<T> StreamFailingAsync<T>(Func<HttpContext, Task> handler, Action<KimiClientOptions> configure, CancellationToken cancellationToken)
        where T : Exception
    {
        await using var server = await LoopbackServer.StartAsync(handler);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, configure: o =>
        {
            o.Resilience.MaxAttempts = 1;
            configure(o);
        });
        return await Assert.ThrowsAsync<T>(async () => await StreamReplay.CollectAsync(StreamReplay.Start(client, cancellationToken), cancellationToken));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_whole_json_answer_that_stalls_is_a_first_chunk_timeout()
    {
        var exception = await StreamFailingAsync<KimiTimeoutException>(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"id":"w","choices":[""", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
        }, o =>
        {
            o.Resilience.FirstChunkTimeout = TimeSpan.FromMilliseconds(400);
            o.Resilience.IdleTimeout = TimeSpan.FromSeconds(60);
        }, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromMilliseconds(400), exception.Timeout);
        Assert.Contains("the response body did not arrive", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_whole_json_answer_over_the_size_limit_names_MaxResponseBytes()
    {
        var exception = await StreamFailingAsync<KimiResponseTooLargeException>(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"id":"w","choices":[{"index":0,"message":{"content":" """ + new string('x', 8_000) + "\"}}]}", context.RequestAborted);
        }, o => o.Limits.MaxResponseBytes = 4_096, TestContext.Current.CancellationToken);

        Assert.Equal(4_096, exception.Limit);
        Assert.Contains("Limits.MaxResponseBytes", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MaxStreamEventBytes", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_whole_json_answer_cut_mid_body_is_a_connection_error()
    {
        var exception = await StreamFailingAsync<KimiConnectionException>(async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"id":"w","choices":[{"index":0,"message":{"content":"Hel""", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(100, context.RequestAborted);
            context.Abort();
        }, _ => { }, TestContext.Current.CancellationToken);

        Assert.Contains("failed while reading the response", exception.Message, StringComparison.Ordinal);
    }
}
