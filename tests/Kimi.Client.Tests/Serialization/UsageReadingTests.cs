using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Streaming;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// How the chunk parser reads usage (conformance 17–19): reasoning counted once when all output is reasoning, an empty
/// usage object never replaces real counts, and a reported total is kept as the provider sent it.
/// </summary>
public class UsageReadingTests
{
    private const string Content = """data: {"id":"u","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_content":"Thinking about it"},"finish_reason":null}]}""";

    [Fact(Timeout = 10_000)]
    public async Task Output_that_is_all_reasoning_is_not_counted_twice()
    {
        // Recorded K2.6 shape when max_tokens runs out while thinking: every completion token is a reasoning token.
        var sse = StreamReplay.Lines(
            Content,
            """data: {"id":"u","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":12,"completion_tokens":20,"total_tokens":32,"completion_tokens_details":{"reasoning_tokens":20}}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        var usage = result.Completion.Usage!;
        Assert.Equal(12, usage.InputTokens);
        Assert.Equal(20, usage.OutputTokens);
        Assert.Equal(32, usage.TotalTokens);
        Assert.Equal(20, usage.ReasoningTokens);
        Assert.Equal(0, usage.TextOutputTokens);
        Assert.Equal(FinishReason.Length, result.Completion.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task Output_that_is_all_reasoning_is_not_counted_twice_in_a_whole_response()
    {
        using var server = RecordingServer.Start("""
            {"id":"u","object":"chat.completion","created":1,"model":"kimi-k2.6",
             "choices":[{"index":0,"message":{"role":"assistant","content":"","reasoning_content":"Thinking"},"finish_reason":"length"}],
             "usage":{"prompt_tokens":12,"completion_tokens":20,"total_tokens":32,"completion_tokens_details":{"reasoning_tokens":20}}}
            """);
        using var client = server.Client(KimiProvider.Moonshot);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(20, completion.Usage!.OutputTokens);
        Assert.Equal(32, completion.Usage.TotalTokens);
        Assert.Equal(20, completion.Usage.ReasoningTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Usage_field_names_written_with_json_escapes_are_read_like_plain_ones()
    {
        // JSON lets a name be escaped ("\u005f" is "_"); the reader tells plain names by their bytes, escaped ones the long way.
        using var server = RecordingServer.Start("""
            {"id":"u","object":"chat.completion","created":1,"model":"kimi-k2.6",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi","reasoning_content":"Think"},"finish_reason":"stop"}],
             "usage":{"prompt\u005ftokens":12,"completion_tokens":20,"total\u005ftokens":32,"cached\u005ftokens":8,
               "completion\u005ftokens\u005fdetails":{"reasoning_tokens":5},"prompt_tokens_details":{"cache\u005fwrite_tokens":3},
               "cost":0.5,"is\u005fbyok":true,"cost\u005fdetails":{"upstream_inference_cost":0.25}}}
            """);
        using var client = server.Client(KimiProvider.Moonshot);

        var usage = (await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken)).Usage!;

        Assert.Equal((12, 20, 32, 8, 5), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.CachedInputTokens, usage.ReasoningTokens));
        Assert.Equal((3, 0.5m, 0.25m, true), (usage.CacheWriteTokens, usage.Cost, usage.UpstreamCost, usage.IsByok));
    }

    [Fact(Timeout = 10_000)]
    public async Task Reasoning_one_above_the_completion_tokens_is_added_back()
    {
        // The boundary of conformance 19: reasoning that exceeds completion tokens was reported outside them.
        var sse = StreamReplay.Lines(
            Content,
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":12,"completion_tokens":20,"completion_tokens_details":{"reasoning_tokens":21}}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(41, result.Completion.Usage!.OutputTokens);
        Assert.Equal(53, result.Completion.Usage.TotalTokens);
        Assert.Equal(21, result.Completion.Usage.ReasoningTokens);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(10, 5, 35, 20, 25)] // reasoning above completion tokens, and the total counts it
    [InlineData(10, 30, 60, 20, 50)] // reasoning below completion tokens, but the total is prompt + completion + reasoning
    public async Task Reasoning_the_total_shows_outside_completion_tokens_is_added_back_once(int prompt, int completion, int total, int reasoning, int output)
    {
        var sse = StreamReplay.Lines(
            Content,
            $"data: {{\"id\":\"u\",\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":{prompt},\"completion_tokens\":{completion},\"total_tokens\":{total},\"completion_tokens_details\":{{\"reasoning_tokens\":{reasoning}}}}}}}",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(output, result.Completion.Usage!.OutputTokens);
        Assert.Equal(total, result.Completion.Usage.TotalTokens);
        Assert.Equal(reasoning, result.Completion.Usage.ReasoningTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_empty_usage_object_does_not_overwrite_real_usage_with_zeros()
    {
        var sse = StreamReplay.Lines(
            Content,
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}""",
            """data: {"id":"u","choices":[],"usage":{}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(12, result.Completion.Usage!.InputTokens);
        Assert.Equal(5, result.Completion.Usage.OutputTokens);
        Assert.Equal(17, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_empty_usage_object_inside_the_choice_does_not_overwrite_the_choice_usage_read_before_it()
    {
        // Moonshot puts usage in the choice (conformance 14); a second, empty usage key in the same choice is no count.
        var sse = StreamReplay.Lines(
            Content,
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"stop","usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17},"usage":{}}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(12, result.Completion.Usage!.InputTokens);
        Assert.Equal(17, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_empty_usage_object_after_real_usage_in_the_same_chunk_does_not_overwrite_it()
    {
        var sse = StreamReplay.Lines(
            Content,
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17},"usage":{}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(12, result.Completion.Usage!.InputTokens);
        Assert.Equal(17, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_usage_with_only_a_total_is_read()
    {
        var sse = StreamReplay.Lines(
            Content,
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"total_tokens":17}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(17, result.Completion.Usage!.TotalTokens);
        Assert.Equal(0, result.Completion.Usage.InputTokens);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(100, 50, 150)]
    [InlineData(100, 50, 170)]
    [InlineData(100, 50, 140)]
    public async Task A_reported_total_is_kept_as_the_provider_sent_it(int prompt, int completion, int total)
    {
        var sse = StreamReplay.Lines(
            Content,
            $"data: {{\"id\":\"u\",\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":{prompt},\"completion_tokens\":{completion},\"total_tokens\":{total},\"completion_tokens_details\":{{\"reasoning_tokens\":30}}}}}}",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(completion, result.Completion.Usage!.OutputTokens);
        Assert.Equal(total, result.Completion.Usage.TotalTokens);
        Assert.Equal(30, result.Completion.Usage.ReasoningTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Top_level_cached_tokens_win_over_the_nested_count_and_reasoning_nested_wins_over_top_level()
    {
        // SGLang sends reasoning_tokens at the top level as an extra; the nested detail is the OpenAI field and is preferred.
        var sse = StreamReplay.Lines(
            Content,
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":50,"total_tokens":150,"cached_tokens":80,"prompt_tokens_details":{"cached_tokens":70},"reasoning_tokens":9,"completion_tokens_details":{"reasoning_tokens":30}}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(80, result.Completion.Usage!.CachedInputTokens);
        Assert.Equal(30, result.Completion.Usage.ReasoningTokens);
    }
}
