using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>Conformance 27: a stream cut before it finished is an error; one that finished but lost <c>[DONE]</c> is flagged.</summary>
public class StreamIntegrityTests
{
    private static readonly string[] CutAfterContent =
    [
        "data: {\"id\":\"cut\",\"model\":\"kimi-k2.6\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Plan.\"}}]}\n\n",
        "data: {\"id\":\"cut\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"get_weather_0\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Par\"}}]}}]}\n\n",
        "data: {\"id\":\"cut\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half an ans\"}}],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n",
    ];

    [Fact(Timeout = 10_000)]
    public async Task A_stream_that_ends_without_done_or_finish_throws_incomplete_with_everything_so_far()
    {
        var stream = StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context, CutAfterContent), TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<KimiStreamIncompleteException>(() => stream);

        Assert.Equal(KimiProvider.Moonshot, exception.Provider);
        Assert.Contains("cut", exception.Message, StringComparison.Ordinal);
        var partial = exception.PartialCompletion!;
        Assert.True(partial.IsIncomplete);
        Assert.Equal("Half an ans", partial.Text);
        Assert.Equal("Plan.", partial.Reasoning);
        var call = Assert.Single(partial.ToolCalls);
        Assert.Equal(("get_weather_0", "get_weather", """{"city":"Par"""), (call.Id, call.Name, call.Arguments));
        Assert.NotNull(call.ArgumentsError);
        Assert.Equal(7, partial.Usage!.InputTokens);
        Assert.Null(partial.FinishReason);
        Assert.Equal("cut", partial.Id);
        Assert.Equal("kimi-k2.6", partial.Model);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_wiremock_body_without_done_or_finish_is_incomplete_too()
    {
        var sse = StreamReplay.Lines("""data: {"id":"cut","choices":[{"index":0,"delta":{"content":"Half"}}]}""");

        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiStreamIncompleteException>(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Half", exception.PartialCompletion!.Text);
        Assert.Single(updates);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_empty_event_stream_is_incomplete()
    {
        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiStreamIncompleteException>(string.Empty, TestContext.Current.CancellationToken);

        Assert.Empty(updates);
        Assert.Equal(string.Empty, exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_that_finished_but_lost_done_completes_flagged_incomplete()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            "data: {\"id\":\"f\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"All\"}}]}\n\n",
            "data: {\"id\":\"f\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" done\"},\"finish_reason\":\"stop\"}]}\n\n",
            "data: {\"id\":\"f\",\"choices\":[],\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":2,\"total_tokens\":6}}\n\n",
        ]), TestContext.Current.CancellationToken);

        Assert.True(result.Completion.IsIncomplete);
        Assert.Equal("All done", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal(6, result.Completion.Usage!.TotalTokens);
        Assert.Same(result.Completion, result.Stream.Completion);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_with_done_is_not_flagged_incomplete()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            "data: {\"id\":\"f\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"All\"},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        ]), TestContext.Current.CancellationToken);

        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task Events_after_done_are_ignored()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"f","choices":[{"index":0,"delta":{"content":"A"},"finish_reason":"stop"}]}""",
            "data: [DONE]",
            """data: {"id":"f","choices":[{"index":0,"delta":{"content":"B"}}]}""");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("A", result.Completion.Text);
        Assert.Single(result.Updates);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_connection_abort_mid_stream_throws_incomplete_with_the_transport_error_inside()
    {
        var stream = StreamReplay.ReplayLoopbackAsync(async context =>
        {
            await LoopbackServer.WriteSseAsync(context, ["data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Before the cut\"}}]}\n\n"]);
            await Task.Delay(50, context.RequestAborted);
            context.Abort();
        }, TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<KimiStreamIncompleteException>(() => stream);

        Assert.Equal("Before the cut", exception.PartialCompletion!.Text);
        Assert.True(exception.PartialCompletion.IsIncomplete);
        Assert.NotNull(exception.InnerException);
        Assert.IsAssignableFrom<IOException>(exception.InnerException);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_connection_abort_after_the_finish_chunk_completes_flagged_incomplete()
    {
        var result = await StreamReplay.ReplayLoopbackAsync(async context =>
        {
            await LoopbackServer.WriteSseAsync(context, ["data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Done\"},\"finish_reason\":\"stop\"}]}\n\n"]);
            await Task.Delay(50, context.RequestAborted);
            context.Abort();
        }, TestContext.Current.CancellationToken);

        Assert.True(result.Completion.IsIncomplete);
        Assert.Equal("Done", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_partial_result_carries_the_request_id()
    {
        var stream = StreamReplay.ReplayLoopbackAsync(async context =>
        {
            context.Response.Headers["x-request-id"] = "req-cut";
            await LoopbackServer.WriteSseAsync(context, ["data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\n\n"]);
        }, TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<KimiStreamIncompleteException>(() => stream);

        Assert.Equal("req-cut", exception.RequestId);
        Assert.Equal("req-cut", exception.PartialCompletion!.RequestId);
        Assert.Contains("req-cut", exception.Message, StringComparison.Ordinal);
    }
}
