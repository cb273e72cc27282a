namespace Kimi.Client.Tests.Streaming;

/// <summary>Conformance 20–23: tool-call fragments assembled by index or position, malformed indexes, arguments validated at the end.</summary>
public class StreamingToolCallTests
{
    [Fact(Timeout = 10_000)]
    public async Task Tool_call_deltas_without_index_first_and_out_of_order_indexes_later_assemble_two_calls()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("conformance-20-tool-calls-out-of-order.sse"), TestContext.Current.CancellationToken);

        var calls = result.Completion.ToolCalls;
        Assert.Equal(2, calls.Count);
        Assert.Equal(("call-weather", "get_weather", """{"city":"Paris"}"""), (calls[0].Id, calls[0].Name, calls[0].Arguments));
        Assert.Equal(("call-time", "get_time", """{"zone":"UTC"}"""), (calls[1].Id, calls[1].Name, calls[1].Arguments));
        Assert.All(calls, c => Assert.Null(c.ArgumentsError));
        Assert.Equal(FinishReason.ToolCalls, result.Completion.FinishReason);
        Assert.Equal(string.Empty, result.Completion.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task Tool_call_updates_expose_positions_assigned_by_array_order()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("conformance-20-tool-calls-out-of-order.sse"), TestContext.Current.CancellationToken);

        var first = result.Updates[0].ToolCallUpdates;
        Assert.Equal([0, 1], first.Select(u => u.Index));
        Assert.Equal(["get_weather", "get_time"], first.Select(u => u.Name));
        var second = result.Updates[1].ToolCallUpdates;
        Assert.Equal([1, 0], second.Select(u => u.Index));
        Assert.Equal(["UTC\"}", "Paris\"}"], second.Select(u => u.ArgumentsDelta));
    }

    [Fact(Timeout = 10_000)]
    public async Task Indexless_continuation_deltas_append_to_the_call_at_the_same_array_position()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("moonshot-indexless-tool-calls.sse"), TestContext.Current.CancellationToken);

        var calls = result.Completion.ToolCalls;
        Assert.Equal(2, calls.Count);
        Assert.Equal(("get_weather_0", "get_weather", """{"city":"Paris"}"""), (calls[0].Id, calls[0].Name, calls[0].Arguments));
        Assert.Equal(("get_time_1", "get_time", """{"zone":"UTC"}"""), (calls[1].Id, calls[1].Name, calls[1].Arguments));
    }

    [Fact(Timeout = 10_000)]
    public async Task Indexless_calls_streamed_one_per_chunk_keep_their_own_arguments()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("indexless-tool-calls-one-per-chunk.sse"), TestContext.Current.CancellationToken);

        var calls = result.Completion.ToolCalls;
        Assert.Equal(2, calls.Count);
        Assert.Equal(("get_weather_0", "get_weather", """{"city":"Paris"}"""), (calls[0].Id, calls[0].Name, calls[0].Arguments));
        Assert.Equal(("get_time_1", "get_time", """{"zone":"UTC"}"""), (calls[1].Id, calls[1].Name, calls[1].Arguments));
        Assert.All(calls, c => Assert.Null(c.ArgumentsError));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_malformed_tool_call_index_throws_a_format_error_naming_the_problem_with_the_partial_result()
    {
        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(StreamReplay.Fixture("conformance-22-malformed-index.sse"), TestContext.Current.CancellationToken);

        Assert.Equal(typeof(KimiResponseFormatException), exception.GetType());
        Assert.Contains("index", exception.Message, StringComparison.Ordinal);
        Assert.Contains("not-a-number", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Moonshot", exception.Message, StringComparison.Ordinal);
        Assert.Equal(KimiProvider.Moonshot, exception.Provider);
        Assert.Single(updates);
        var partial = exception.PartialCompletion;
        Assert.NotNull(partial);
        Assert.True(partial.IsIncomplete);
        Assert.Equal("Call weather.", partial.Reasoning);
        Assert.Empty(partial.ToolCalls);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("{}")]
    public async Task Other_malformed_indexes_are_format_errors_too(string index)
    {
        var sse = StreamReplay.Lines(
            $$$"""data: {"id":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":{{{index}}},"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]}}]}""",
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(sse, TestContext.Current.CancellationToken);

        Assert.Contains("index", exception.Message, StringComparison.Ordinal);
        Assert.NotNull(exception.PartialCompletion);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_null_index_falls_back_to_the_array_position()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"n","choices":[{"index":0,"delta":{"tool_calls":[{"index":null,"id":"a","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("f", Assert.Single(result.Completion.ToolCalls).Name);
    }

    [Fact(Timeout = 10_000)]
    public async Task Partial_argument_json_accumulates_silently_into_a_valid_call()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"functions.get_weather:0","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}""",
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\""}}]}}]}""",
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"location"}}]}}]}""",
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\":\"Paris\"}"}}]}}]}""",
            """data: {"id":"p","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal("functions.get_weather:0", call.Id);
        Assert.Equal("""{"location":"Paris"}""", call.Arguments);
        Assert.Null(call.ArgumentsError);
    }

    [Fact(Timeout = 10_000)]
    public async Task Invalid_argument_json_at_the_end_is_reported_on_the_call_with_the_raw_text_kept()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]}}]}""",
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" \"Par"}}]}}]}""",
            """data: {"id":"p","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal("""{"city": "Par""", call.Arguments);
        Assert.NotNull(call.ArgumentsError);
        Assert.NotEmpty(call.ArgumentsError);
        Assert.Equal(FinishReason.ToolCalls, result.Completion.FinishReason);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("[1,2]")]
    [InlineData("{\\\"a\\\":1} trailing")]
    [InlineData("\\\"text\\\"")]
    public async Task Arguments_that_are_not_one_json_object_are_reported(string arguments)
    {
        var sse = StreamReplay.Lines(
            $$$"""data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":"{{{arguments}}}"}}]},"finish_reason":"tool_calls"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.NotNull(Assert.Single(result.Completion.ToolCalls).ArgumentsError);
    }

    [Fact(Timeout = 10_000)]
    public async Task Empty_arguments_are_a_valid_call_without_parameters()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"ping_0","type":"function","function":{"name":"ping","arguments":""}}]},"finish_reason":"tool_calls"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal(string.Empty, call.Arguments);
        Assert.Null(call.ArgumentsError);
    }

    [Fact(Timeout = 10_000)]
    public async Task Tool_calls_decide_the_turn_even_when_the_finish_reason_says_stop()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"functions.add:0","type":"function","function":{"name":"add","arguments":"{\"a\":1}"}}]}}]}""",
            """data: {"id":"p","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal("functions.add:0", Assert.Single(result.Completion.ToolCalls).Id);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_recorded_moonshot_streamed_tool_call_parses_with_usage_counted_once()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("moonshot-streamed-tool-call.sse"), TestContext.Current.CancellationToken);

        var completion = result.Completion;
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather_0", call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"city": "Paris"}""", call.Arguments);
        Assert.Null(call.ArgumentsError);
        Assert.Equal(" Call get_weather Paris.", completion.Reasoning);
        Assert.Equal(string.Empty, completion.Text);
        Assert.Equal(FinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal("chatcmpl-7117…", completion.Id);
        Assert.Equal("kimi-k3", completion.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1787762066), completion.Created);
        var usage = completion.Usage!;
        Assert.Equal((213, 99, 312, 213, 46), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.CachedInputTokens, usage.ReasoningTokens));
        Assert.False(completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task Arguments_sent_as_a_json_object_are_kept_as_text()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","type":"function","function":{"name":"f","arguments":{"city":"Paris"}}}]},"finish_reason":"tool_calls"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal("""{"city":"Paris"}""", call.Arguments);
        Assert.Null(call.ArgumentsError);
    }
}
