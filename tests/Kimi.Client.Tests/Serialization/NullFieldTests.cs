using Kimi.Client.Tests.Streaming;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// A <c>null</c> where the parser expects an object or array is skipped on its own: the fields after it (finish reason,
/// usage, text) are still read.
/// </summary>
public class NullFieldTests
{
    private const string Text = """data: {"id":"n","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}""";

    [Fact(Timeout = 10_000)]
    public async Task A_null_delta_does_not_swallow_the_finish_reason_and_usage_after_it()
    {
        var sse = StreamReplay.Lines(
            Text,
            """data: {"id":"n","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":null,"finish_reason":"stop","usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.False(result.Completion.IsIncomplete);
        Assert.Equal(12, result.Completion.Usage!.InputTokens);
        Assert.Equal(17, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Null_choices_do_not_swallow_the_usage_after_them()
    {
        var sse = StreamReplay.Lines(
            Text,
            """data: {"id":"n","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            """data: {"id":"n","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":null,"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(12, result.Completion.Usage!.InputTokens);
        Assert.Equal(5, result.Completion.Usage.OutputTokens);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task Null_choices_before_the_id_do_not_hide_the_fields_after_them()
    {
        var sse = StreamReplay.Lines(
            """data: {"choices":null,"id":"n2","model":"kimi-k2.6","usage":{"prompt_tokens":3,"completion_tokens":1}}""",
            """data: {"id":"n2","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hi", result.Completion.Text);
        Assert.Equal("n2", result.Completion.Id);
        Assert.Equal(3, result.Completion.Usage!.InputTokens);
        Assert.Equal(4, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Null_tool_calls_and_null_function_do_not_swallow_the_content_and_finish_reason_after_them()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"n","choices":[{"index":0,"delta":{"tool_calls":null,"content":"Hel"},"finish_reason":null}]}""",
            """data: {"id":"n","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"get_weather_0","function":null,"type":"function"}],"content":"lo"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_null_message_in_a_whole_response_does_not_swallow_the_finish_reason_after_it()
    {
        using var server = RecordingServer.Start("""
            {"id":"n","object":"chat.completion","created":1,"model":"kimi-k2.6",
             "choices":[{"index":0,"message":null,"finish_reason":"length"}],
             "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}
            """);
        using var client = server.Client(KimiProvider.Moonshot);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(FinishReason.Length, completion.FinishReason);
        Assert.Equal(17, completion.Usage!.TotalTokens);
    }
}
