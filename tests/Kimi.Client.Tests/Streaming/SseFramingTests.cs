using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>Conformance 28: SSE framing is tolerant of how bytes arrive, but a data line that is not JSON is an error.</summary>
public class SseFramingTests
{
    private const string Hello = "{\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}";
    private const string World = "{\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}";

    [Fact(Timeout = 10_000)]
    public async Task Lines_split_across_writes_with_pauses_are_reassembled()
    {
        var wire = $"data: {Hello}\n\ndata: {World}\n\ndata: [DONE]\n\n";
        var pieces = new List<string>();
        for (var i = 0; i < wire.Length; i += 7)
        {
            pieces.Add(wire.Substring(i, Math.Min(7, wire.Length - i)));
        }

        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context, pieces, TimeSpan.FromMilliseconds(2)), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_multibyte_character_split_across_writes_is_kept_whole()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            var bytes = System.Text.Encoding.UTF8.GetBytes("data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"日本\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
            var cut = Array.IndexOf(bytes, (byte)0xE6) + 1; // inside the first character's three bytes
            await context.Response.Body.WriteAsync(bytes.AsMemory(0, cut), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(20, context.RequestAborted);
            await context.Response.Body.WriteAsync(bytes.AsMemory(cut), context.RequestAborted);
        }, TestContext.Current.CancellationToken);

        Assert.Equal("日本", result.Completion.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Crlf_line_endings_are_handled()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
            [$"data: {Hello}\r\n\r\n", $"data: {World}\r\n\r\n", "data: [DONE]\r\n\r\n"]), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_byte_order_mark_and_bare_cr_line_endings_are_handled()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            var bytes = System.Text.Encoding.UTF8.GetBytes($"data: {Hello}\r\rdata: {World}\r\rdata: [DONE]\r\r");
            await context.Response.Body.WriteAsync(new byte[] { 0xEF, 0xBB, 0xBF }, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
        }, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_of_only_keep_alive_comments_that_closes_is_incomplete()
    {
        var stream = StreamReplay.ReplayLoopbackAsync(
            context => LoopbackServer.WriteSseAsync(context, [": keep-alive\n\n", ": keep-alive\n\n"], TimeSpan.FromMilliseconds(5)),
            TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<KimiStreamIncompleteException>(() => stream);

        Assert.Equal(string.Empty, exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Keep_alive_comments_are_skipped()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
            [": keep-alive\n\n", $"data: {Hello}\n\n", ": keep-alive\n\n", ":\n\n", $"data: {World}\n\n", ": OPENROUTER PROCESSING\n\n", "data: [DONE]\n\n"],
            TimeSpan.FromMilliseconds(5)), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(2, result.Updates.Count);
    }

    [Fact(Timeout = 10_000)]
    public async Task Event_id_and_retry_lines_are_tolerated_and_named_non_chunk_events_skipped()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            $"event: message\ndata: {Hello}\n\n",
            "event: ping\ndata: ping\n\n",
            "event: ping\ndata: {\"type\":\"ping\"}\n\n",
            $"id: 8\nretry: 1000\ndata: {World}\n\n",
            "event: message\ndata: [DONE]\n\n",
        ]), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(2, result.Updates.Count);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_data_less_named_event_does_not_swallow_the_next_chunk()
    {
        // System.Net.ServerSentEvents keeps "ping" as the type of the next event after "event: ping" with no data.
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            $"data: {Hello}\n\n",
            "event: ping\n\n",
            "id: 7\nretry: 1000\n\n",
            $"data: {World}\n\n",
            "event: keep-alive\n\n",
            "data: [DONE]\n\n",
        ]), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task Empty_data_lines_are_tolerated()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
            ["data: \n\n", "data:\n\n", $"data: {Hello}\n\n", "data:   \n\n", $"data: {World}\n\n", "data: [DONE]\n\n"]), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(2, result.Updates.Count);
    }

    [Fact(Timeout = 10_000)]
    public async Task Data_without_the_space_after_the_colon_is_read()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
            [$"data:{Hello}\n\n", $"data:{World}\n\n", "data:[DONE]\n\n"]), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task Json_split_over_several_data_lines_of_one_event_is_joined()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            "data: {\"id\":\"s\",\ndata: \"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        ]), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("data: not json")]
    [InlineData("data: <html>502 Bad Gateway</html>")]
    [InlineData("data: {\"id\":\"s\",\"choices\":[")]
    [InlineData("data: [DONE")]
    [InlineData("data: 42")]
    public async Task A_data_line_that_is_not_json_is_a_format_error_with_the_partial_result(string badLine)
    {
        var sse = StreamReplay.Lines($"data: {Hello}", badLine, $"data: {World}", "data: [DONE]");

        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(sse, TestContext.Current.CancellationToken);

        Assert.Equal(typeof(KimiResponseFormatException), exception.GetType());
        Assert.Contains("Moonshot", exception.Message, StringComparison.Ordinal);
        Assert.Equal("Hel", exception.PartialCompletion!.Text);
        Assert.True(exception.PartialCompletion.IsIncomplete);
        Assert.Single(updates);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_non_json_line_over_loopback_is_a_format_error_too()
    {
        var stream = StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
            [$"data: {Hello}\r\n\r\n", "data: oops\r\n\r\n", "data: [DONE]\r\n\r\n"]), TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<KimiResponseFormatException>(() => stream);

        Assert.Equal("Hel", exception.PartialCompletion!.Text);
    }
}
