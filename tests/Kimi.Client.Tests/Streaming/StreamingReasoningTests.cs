namespace Kimi.Client.Tests.Streaming;

/// <summary>Conformance 5 and 25 for streams: both reasoning field names, and reasoning-only turns cut by the token limit.</summary>
public class StreamingReasoningTests
{
    [Theory(Timeout = 10_000)]
    [InlineData("Moonshot")]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    public async Task Reasoning_under_both_field_names_across_deltas_is_joined_on_every_provider(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("conformance-05-both-reasoning-names.sse"), provider, TestContext.Current.CancellationToken);

        Assert.Equal("Thinking.", result.Completion.Reasoning);
        Assert.Equal("OK", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal(["Think", "ing."], result.Updates.Where(u => u.ReasoningDelta is not null).Select(u => u.ReasoningDelta));
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_same_reasoning_under_both_names_in_one_delta_is_used_once()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"a","choices":[{"index":0,"delta":{"reasoning":"Think","reasoning_content":"Think"}}]}""",
            """data: {"id":"a","choices":[{"index":0,"delta":{"reasoning_content":"ing.","reasoning":"ing."}}]}""",
            """data: {"id":"a","choices":[{"index":0,"delta":{"content":"OK"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("Thinking.", result.Completion.Reasoning);
        Assert.Equal("OK", result.Completion.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_empty_reasoning_content_beside_a_filled_reasoning_field_uses_the_filled_one()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"a","choices":[{"index":0,"delta":{"reasoning_content":"","reasoning":"Think"}}]}""",
            """data: {"id":"a","choices":[{"index":0,"delta":{"reasoning_content":null,"reasoning":"ing."}}]}""",
            """data: {"id":"a","choices":[{"index":0,"delta":{"content":"OK"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("Thinking.", result.Completion.Reasoning);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_vllm_thinking_stream_reads_the_reasoning_field_and_records_its_origin()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("vllm-thinking-stream.sse"), KimiProvider.Vllm, TestContext.Current.CancellationToken);

        var completion = result.Completion;
        Assert.Equal("Compare 9.11", completion.Reasoning);
        Assert.Equal("9.9", completion.Text);
        Assert.Equal(FinishReason.Stop, completion.FinishReason);
        Assert.Equal("chatcmpl-1", completion.Id);
        Assert.Equal("moonshotai/Kimi-K2.6", completion.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1), completion.Created);
        Assert.Equal(new ReasoningOrigin("vllm", "moonshotai/Kimi-K2.6"), completion.ReasoningOrigin);
        Assert.NotNull(completion.Usage);
        Assert.Equal(20, completion.Usage.InputTokens);
        Assert.Equal(60, completion.Usage.OutputTokens);
        Assert.Equal(80, completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Empty_reasoning_deltas_still_mark_reasoning_as_present()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"a","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":""}}]}""",
            """data: {"id":"a","choices":[{"index":0,"delta":{"content":"IMAGE_OK"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, result.Completion.Reasoning);
        Assert.Equal("IMAGE_OK", result.Completion.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_without_reasoning_has_null_reasoning_and_no_origin()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"a","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Null(result.Completion.Reasoning);
        Assert.Null(result.Completion.ReasoningOrigin);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_length_finish_with_only_reasoning_is_a_result_not_an_error()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"l","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning_content":"The user wants the ping tool."},"finish_reason":null}]}""",
            """data: {"id":"l","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"reasoning_content":" It takes no parameters,"},"finish_reason":null}]}""",
            """data: {"id":"l","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"length","usage":{"prompt_tokens":41,"completion_tokens":32,"total_tokens":73,"completion_tokens_details":{"reasoning_tokens":31}}}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        var completion = result.Completion;
        Assert.Equal(string.Empty, completion.Text);
        Assert.Equal("The user wants the ping tool. It takes no parameters,", completion.Reasoning);
        Assert.Equal(FinishReason.Length, completion.FinishReason);
        Assert.Empty(completion.ToolCalls);
        Assert.False(completion.IsIncomplete);
        Assert.Equal(31, completion.Usage!.ReasoningTokens);
        Assert.Equal(1, completion.Usage.TextOutputTokens);
    }
}
