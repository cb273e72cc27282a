using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Content;

/// <summary>Every attempt re-serializes the message model: a stream part is re-sent whole and identical after a 503.</summary>
public class MediaRetryTests
{
    private const string Completion = """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"A gradient."},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""";

    private static Task<LoopbackServer> UnavailableOnceAsync()
    {
        var calls = 0;
        return LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "application/json";
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.StatusCode = 503;
                await context.Response.WriteAsync("""{"error":{"message":"The engine is currently overloaded","type":"server_error"}}""", context.RequestAborted);
                return;
            }

            await context.Response.WriteAsync(Completion, context.RequestAborted);
        });
    }

    private static KimiClient RetryingClient(LoopbackServer server) =>
        TestClients.For(KimiProvider.Moonshot, server.Url, configure: o => o.Resilience = new() { MaxAttempts = 2, BaseDelay = TimeSpan.Zero });

    [Fact(Timeout = 30_000)]
    public async Task A_seekable_stream_part_is_re_read_from_its_start_on_a_retry()
    {
        await using var server = await UnavailableOnceAsync();
        using var client = RetryingClient(server);
        using var stream = new MemoryStream(MediaTestKit.Png);
        stream.Position = 0;
        var part = ImagePart.FromStream(stream);

        var completion = await client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), part)], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("A gradient.", completion.Text);
        Assert.Equal(2, completion.Attempts.Count);
        var bodies = server.RequestBodies.ToArray();
        Assert.Equal(2, bodies.Length);
        Assert.Equal(bodies[0], bodies[1]);
        Assert.Contains(MediaTestKit.DataUrl("image/png", MediaTestKit.Png), bodies[1]);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_non_seekable_stream_is_buffered_once_and_re_sent_identically()
    {
        await using var server = await UnavailableOnceAsync();
        using var client = RetryingClient(server);
        var stream = new NonSeekableStream(MediaTestKit.Mp4);
        var part = await VideoPart.FromStreamAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        var readsWhenBuffered = stream.Reads;

        await client.CompleteAsync([KimiMessage.User(new TextPart("What happens?"), part)], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(readsWhenBuffered, stream.Reads); // never read again by the attempts
        Assert.Equal("video/mp4", part.MediaType);
        var bodies = server.RequestBodies.ToArray();
        Assert.Equal(2, bodies.Length);
        Assert.Equal(bodies[0], bodies[1]);
        Assert.Contains(MediaTestKit.DataUrl("video/mp4", MediaTestKit.Mp4), bodies[0]);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_file_part_is_re_read_for_every_attempt()
    {
        await using var server = await UnavailableOnceAsync();
        using var client = RetryingClient(server);
        var path = MediaTestKit.TempFile(MediaTestKit.Png, ".png");
        try
        {
            await client.CompleteAsync([KimiMessage.User(new TextPart("Describe."), ImagePart.FromFile(path))], cancellationToken: TestContext.Current.CancellationToken);

            var bodies = server.RequestBodies.ToArray();
            Assert.Equal(2, bodies.Length);
            Assert.Equal(bodies[0], bodies[1]);
            Assert.Contains(MediaTestKit.DataUrl("image/png", MediaTestKit.Png), bodies[0]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
