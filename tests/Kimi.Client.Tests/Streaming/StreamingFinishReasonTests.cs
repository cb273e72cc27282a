namespace Kimi.Client.Tests.Streaming;

/// <summary>Conformance 24: finish reasons are an open value; unknown ones are kept verbatim and never throw.</summary>
public class StreamingFinishReasonTests
{
    [Theory(Timeout = 10_000)]
    [InlineData("unexpected_state")]
    [InlineData("abort")]
    [InlineData("eos")]
    [InlineData("")]
    [InlineData("matched_stop")]
    public async Task Unknown_finish_reasons_survive_with_their_raw_value(string raw)
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"f","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}""",
            $$"""data: {"id":"f","choices":[{"index":0,"delta":{},"finish_reason":"{{raw}}"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.SGLang, TestContext.Current.CancellationToken);

        var finish = Assert.NotNull(result.Completion.FinishReason);
        Assert.Equal(raw, finish.Value);
        Assert.False(finish.IsKnown);
        Assert.Equal(new FinishReason(raw), finish);
        Assert.Equal(raw, result.Updates[^1].FinishReason!.Value.Value);
        Assert.Equal("Hi", result.Completion.Text);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("stop")]
    [InlineData("length")]
    [InlineData("tool_calls")]
    [InlineData("content_filter")]
    public async Task Known_finish_reasons_map_to_their_named_values(string raw)
    {
        var sse = StreamReplay.Lines($$"""data: {"id":"f","choices":[{"index":0,"delta":{},"finish_reason":"{{raw}}"}]}""", "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        var finish = Assert.NotNull(result.Completion.FinishReason);
        Assert.True(finish.IsKnown);
        Assert.Equal(raw, finish.ToString());
        Assert.Contains(finish, new[] { FinishReason.Stop, FinishReason.Length, FinishReason.ToolCalls, FinishReason.ContentFilter });
    }

    [Fact(Timeout = 10_000)]
    public async Task A_null_finish_reason_throughout_gives_a_null_finish_reason()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"f","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}""",
            """data: {"id":"f","choices":[{"index":0,"delta":{},"finish_reason":null}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Null(result.Completion.FinishReason);
        Assert.All(result.Updates, u => Assert.Null(u.FinishReason));
        Assert.Equal("Hi", result.Completion.Text);
        Assert.True(result.Completion.IsIncomplete); // [DONE] without a finish reason is flagged
    }

    [Fact(Timeout = 10_000)]
    public async Task A_finish_reason_of_the_wrong_type_is_ignored_not_thrown()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"f","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":7}]}""",
            """data: {"id":"f","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact]
    public void An_unknown_finish_reason_compares_by_raw_value()
    {
        var a = new FinishReason("abort");

        Assert.Equal(new FinishReason("abort"), a);
        Assert.NotEqual(FinishReason.Stop, a);
        Assert.True(a == new FinishReason("abort"));
        Assert.Equal(new FinishReason("abort").GetHashCode(), a.GetHashCode());
        Assert.Equal(string.Empty, default(FinishReason).Value);
        Assert.Throws<ArgumentNullException>(() => new FinishReason(null!));
    }
}
