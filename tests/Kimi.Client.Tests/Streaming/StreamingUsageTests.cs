namespace Kimi.Client.Tests.Streaming;

/// <summary>Conformance 14–19: where streamed usage sits, and how it is normalized and counted once.</summary>
public class StreamingUsageTests
{
    private const string Finish = """data: {"id":"u","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""";

    [Fact(Timeout = 10_000)]
    public async Task Streaming_usage_inside_the_choice_is_read()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("moonshot-usage-in-choice.sse"), TestContext.Current.CancellationToken);

        var usage = result.Completion.Usage;
        Assert.NotNull(usage);
        Assert.Equal(12, usage.InputTokens);
        Assert.Equal(5, usage.OutputTokens);
        Assert.Equal(17, usage.TotalTokens);
        Assert.Equal(1, usage.ReasoningTokens);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Same(usage, result.Updates.Single(u => u.Usage is not null).Usage);
    }

    [Fact(Timeout = 10_000)]
    public async Task Choice_usage_followed_by_the_same_top_level_usage_is_counted_once()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop","usage":{"prompt_tokens":213,"completion_tokens":99,"total_tokens":312}}]}""",
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":213,"completion_tokens":99,"total_tokens":312}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(213, result.Completion.Usage!.InputTokens);
        Assert.Equal(99, result.Completion.Usage.OutputTokens);
        Assert.Equal(312, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Top_level_usage_wins_over_choice_usage_that_arrives_later()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"Hi"}}],"usage":{"prompt_tokens":12,"completion_tokens":6}}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":1,"completion_tokens":1}}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(12, result.Completion.Usage!.InputTokens);
        Assert.Equal(6, result.Completion.Usage.OutputTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Top_level_usage_wins_over_choice_usage_in_the_same_chunk()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop","usage":{"prompt_tokens":1,"completion_tokens":1}}],"usage":{"prompt_tokens":12,"completion_tokens":6}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(12, result.Completion.Usage!.InputTokens);
        Assert.Equal(6, result.Completion.Usage.OutputTokens);
        Assert.Equal(18, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Continuous_usage_stats_take_the_last_value_never_a_sum()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"A"}}],"usage":{"prompt_tokens":20,"completion_tokens":1,"total_tokens":21}}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"B"}}],"usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22}}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":20,"completion_tokens":3,"total_tokens":23}}""",
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":3,"total_tokens":23}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("AB", result.Completion.Text);
        Assert.Equal(20, result.Completion.Usage!.InputTokens);
        Assert.Equal(3, result.Completion.Usage.OutputTokens);
        Assert.Equal(23, result.Completion.Usage.TotalTokens);
        Assert.Equal([21, 22, 23, 23], result.Updates.Where(u => u.Usage is not null).Select(u => u.Usage!.TotalTokens));
    }

    [Fact(Timeout = 10_000)]
    public async Task Incremental_usage_on_choices_takes_the_last_value()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"A"},"usage":{"prompt_tokens":20,"completion_tokens":1}}]}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"B"},"finish_reason":"stop","usage":{"prompt_tokens":20,"completion_tokens":2}}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal(2, result.Completion.Usage!.OutputTokens);
        Assert.Equal(22, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Empty_choices_chunks_never_throw_and_never_produce_text()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","object":"chat.completion.chunk","choices":[],"prompt_filter_results":[{"prompt_index":0}]}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"}}]}""",
            """data: {"id":"u","choices":[]}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}""",
            """data: {"id":"u","choices":[],"usage":null}""",
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(["Hel", "lo"], result.UpdatesWithContent.Select(u => u.ContentDelta));
        Assert.DoesNotContain(result.Updates, u => u.ContentDelta == string.Empty);
        Assert.Equal(5, result.Completion.Usage!.TotalTokens);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_of_only_empty_choices_chunks_completes_with_empty_text()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[]}""",
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0,"total_tokens":3}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, result.Completion.Text);
        Assert.Null(result.Completion.FinishReason);
        Assert.Equal(3, result.Completion.Usage!.InputTokens);
        Assert.True(result.Completion.IsIncomplete); // [DONE] without a finish reason is flagged
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_usage_on_the_finish_chunk_is_read_and_the_total_computed()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("deepinfra-documented-stream.sse"), KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        var usage = result.Completion.Usage;
        Assert.NotNull(usage);
        Assert.Equal(10, usage.InputTokens);
        Assert.Equal(5, usage.OutputTokens);
        Assert.Equal(15, usage.TotalTokens);
        Assert.Equal("chatcmpl-...", result.Completion.Id);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task Cached_tokens_in_both_places_are_counted_once()
    {
        var sse = StreamReplay.Lines(
            Finish,
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110,"cached_tokens":90,"prompt_tokens_details":{"cached_tokens":90}}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(90, result.Completion.Usage!.CachedInputTokens);
        Assert.Equal(100, result.Completion.Usage.InputTokens);
        Assert.Equal(110, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Top_level_cached_tokens_alone_are_read()
    {
        var sse = StreamReplay.Lines(
            Finish,
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110,"cached_tokens":80}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(80, result.Completion.Usage!.CachedInputTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nested_cached_tokens_alone_are_read()
    {
        var sse = StreamReplay.Lines(
            Finish,
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110,"prompt_tokens_details":{"cached_tokens":64}}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal(64, result.Completion.Usage!.CachedInputTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Reasoning_tokens_outside_completion_tokens_are_added_back()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":84,"total_tokens":94,"completion_tokens_details":{"reasoning_tokens":1081}}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        var usage = result.Completion.Usage!;
        Assert.Equal(1165, usage.OutputTokens);
        Assert.Equal(1081, usage.ReasoningTokens);
        Assert.Equal(84, usage.TextOutputTokens);
        Assert.Equal(10 + 1165, usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Reasoning_tokens_inside_completion_tokens_are_left_alone()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":99,"total_tokens":109,"completion_tokens_details":{"reasoning_tokens":46}}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(99, result.Completion.Usage!.OutputTokens);
        Assert.Equal(53, result.Completion.Usage.TextOutputTokens);
        Assert.Equal(109, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task SGLang_top_level_reasoning_tokens_are_read()
    {
        var sse = StreamReplay.Lines(
            Finish,
            """data: {"id":"u","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":50,"total_tokens":60,"reasoning_tokens":30}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.SGLang, TestContext.Current.CancellationToken);

        Assert.Equal(30, result.Completion.Usage!.ReasoningTokens);
        Assert.Equal(50, result.Completion.Usage.OutputTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_without_usage_has_null_usage()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Lines(Finish, "data: [DONE]"), TestContext.Current.CancellationToken);

        Assert.Null(result.Completion.Usage);
    }
}
