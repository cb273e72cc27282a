namespace Kimi.Client.Tests.Streaming;

/// <summary>Recorded and documented stream payloads from the spec parse as the providers meant them.</summary>
public class RecordedStreamTests
{
    [Fact(Timeout = 10_000)]
    public async Task The_recorded_vllm_chunk_without_finish_reason_or_logprobs_fields_parses()
    {
        var sse = StreamReplay.Fixture("vllm-recorded-chunk.sse") + StreamReplay.Lines(
            """data: {"id":"chatcmpl-ae276bc67b7c5185","created":1773821726,"model":"moonshotai/Kimi-K2.5","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        var first = result.Updates[0];
        Assert.Equal(" A", first.ContentDelta);
        Assert.Null(first.FinishReason);
        Assert.Null(first.ReasoningDelta);
        Assert.Empty(first.ToolCallUpdates);
        Assert.Equal("chatcmpl-ae276bc67b7c5185", first.Id);
        Assert.Equal("moonshotai/Kimi-K2.5", first.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1773821726), first.Created);
        Assert.Equal(" A", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_recorded_vllm_chunk_alone_is_an_incomplete_stream()
    {
        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiStreamIncompleteException>(
            StreamReplay.Fixture("vllm-recorded-chunk.sse"), KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal(" A", Assert.Single(updates).ContentDelta);
        Assert.Equal(" A", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Updates_expose_per_stream_metadata_on_every_chunk()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("vllm-thinking-stream.sse"), KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal(4, result.Updates.Count);
        Assert.All(result.Updates, u =>
        {
            Assert.Equal("chatcmpl-1", u.Id);
            Assert.Equal("moonshotai/Kimi-K2.6", u.Model);
        });
        Assert.Equal(["Compare 9.11", null, null, null], result.Updates.Select(u => u.ReasoningDelta));
        Assert.Equal([null, "9.9", null, null], result.Updates.Select(u => u.ContentDelta));
        Assert.Equal(FinishReason.Stop, result.Updates[2].FinishReason);
        Assert.Equal(80, result.Updates[3].Usage!.TotalTokens);
        Assert.Equal("9.9", result.Updates[1].ToString());
    }

    [Fact(Timeout = 10_000)]
    public async Task The_recorded_moonshot_tool_call_stream_yields_one_update_per_chunk()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("moonshot-streamed-tool-call.sse"), TestContext.Current.CancellationToken);

        Assert.Equal(5, result.Updates.Count);
        var opening = Assert.Single(result.Updates[1].ToolCallUpdates);
        Assert.Equal((0, "get_weather_0", "get_weather", string.Empty), (opening.Index, opening.Id, opening.Name, opening.ArgumentsDelta));
        var arguments = Assert.Single(result.Updates[2].ToolCallUpdates);
        Assert.Equal((0, (string?)null, (string?)null, """{"city": "Paris"}"""), (arguments.Index, arguments.Id, arguments.Name, arguments.ArgumentsDelta));
        Assert.Equal(FinishReason.ToolCalls, result.Updates[3].FinishReason);
        Assert.NotNull(result.Updates[3].Usage);
        Assert.NotNull(result.Updates[4].Usage);
    }
}
