using System.Text;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// A non-streamed answer sent without a Content-Length and larger than the first read buffer (16 KB) is held in several
/// pooled buffers and parsed across them without being copied into one: leading whitespace (OpenRouter sends newlines
/// while it works) is skipped across buffers, and a body that is only whitespace or is not a JSON object is named as such.
/// </summary>
public class WholeBodySegmentTests
{
    private static readonly string Padding = new(' ', 40_000); // spans the 16 KB first buffer and more

    private static Task<LoopbackServer> ServeChunkedAsync(string body) => LoopbackServer.StartAsync(async context =>
    {
        context.Response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(body);
        for (var offset = 0; offset < bytes.Length; offset += 4096)
        {
            // No Content-Length: Kestrel sends it chunked, so the reader cannot size one buffer for it.
            await context.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(4096, bytes.Length - offset)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    });

    [Fact(Timeout = 30_000)]
    public async Task A_large_answer_after_many_kilobytes_of_whitespace_is_read_across_buffers()
    {
        var text = new string('a', 30_000);
        await using var server = await ServeChunkedAsync(
            Padding + $$$"""{"id":"big","object":"chat.completion","created":1,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"{{{text}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""");
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(text, completion.Text);
        Assert.Equal("big", completion.Id);
        Assert.Equal(FinishReason.Stop, completion.FinishReason);
        Assert.Equal(5, completion.Usage!.TotalTokens);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("", "it is empty")]
    [InlineData("[1,2,3]", "it is not a JSON object")]
    [InlineData("\"text\"", "it is not a JSON object")]
    public async Task A_large_body_that_is_not_a_json_object_is_a_format_error_naming_why(string after, string why)
    {
        await using var server = await ServeChunkedAsync(Padding + "\r\n\t" + after);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var exception = await Assert.ThrowsAsync<KimiResponseFormatException>(
            () => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains($"with a body that is not a chat completion: {why}.", exception.Message, StringComparison.Ordinal);
        Assert.Single(server.RequestBodies); // a format error is not retried
    }

    [Fact(Timeout = 30_000)]
    public async Task A_large_answer_that_starts_at_its_first_byte_is_read_across_buffers()
    {
        // No leading whitespace: the body's first byte is the '{' (the usual case; the tests above all start with padding).
        var text = new string('b', 60_000);
        await using var server = await ServeChunkedAsync(
            $$$"""{"id":"big","object":"chat.completion","created":1,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"{{{text}}}","refusal":"none"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""");
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(text, completion.Text);
        Assert.Equal(5, completion.Usage!.TotalTokens);
        Assert.Equal("none", completion.AdditionalProperties!["choices[0].message.refusal"].GetString()); // read as a message, not a delta
    }

    [Fact(Timeout = 30_000)]
    public async Task A_large_json_object_without_choices_or_an_error_is_not_a_completion()
    {
        // A whole answer must have choices (a streamed chunk need not: usage-only chunks have none), across buffers too.
        await using var server = await ServeChunkedAsync($$$"""{"id":"big","object":"list","data":"{{{new string('c', 60_000)}}}"}""");
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var exception = await Assert.ThrowsAsync<KimiResponseFormatException>(
            () => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("with a body that is not a chat completion", exception.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("[1,2,3]", "it is not a JSON object")]
    [InlineData("  \"text\"", "it is not a JSON object")]
    public async Task A_small_body_that_is_not_a_json_object_is_a_format_error_naming_why(string body, string why)
    {
        // One buffer (sent with a Content-Length): the same words as across buffers.
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(body, context.RequestAborted);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);

        var exception = await Assert.ThrowsAsync<KimiResponseFormatException>(
            () => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains($"with a body that is not a chat completion: {why}.", exception.Message, StringComparison.Ordinal);
    }
}
