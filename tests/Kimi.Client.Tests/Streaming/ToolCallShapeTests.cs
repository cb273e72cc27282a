namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// Tool-call fragments in shapes no host should send but a broken one could: an object or array where the call list, a call,
/// its function or its index belongs is skipped whole (nothing inside it is read as a call's field, and the fields after it
/// still are), and a chunk with several malformed indexes names the first (conformance 20–22).
/// </summary>
public class ToolCallShapeTests
{
    private static string Chunk(string choice) =>
        $$"""data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{{choice}}]}""";

    [Fact(Timeout = 30_000)]
    public async Task A_tool_calls_value_that_is_an_object_is_skipped_whole()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"tool_calls":{"index":0,"id":"call_x","function":{"name":"x","arguments":"{}"},"content":"leak"},"content":"Text"},"finish_reason":null}"""),
            Chunk("""{"index":0,"delta":{},"finish_reason":"stop"}"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Text", result.Completion.Text);
        Assert.Empty(result.Completion.ToolCalls);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_array_entry_in_the_call_list_is_skipped_and_the_call_after_it_read()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"tool_calls":[["junk",{"index":0,"id":"call_evil"}],{"index":0,"id":"call_1","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal("call_1", call.Id);
        Assert.Equal("f", call.Name);
        Assert.Equal("{}", call.Arguments);
        Assert.Equal(FinishReason.ToolCalls, result.Completion.FinishReason);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_function_that_is_not_an_object_is_skipped_and_the_fields_and_calls_after_it_read()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":["name","evil"],"id":"call_0"},{"index":1,"id":"call_1","function":{"name":"second","arguments":"{}"}}]},"finish_reason":null}"""),
            Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"first","arguments":"{\"a\":1}"}}]},"finish_reason":"tool_calls"}"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Collection(result.Completion.ToolCalls,
            call =>
            {
                Assert.Equal("call_0", call.Id);
                Assert.Equal("first", call.Name);
                Assert.Equal("""{"a":1}""", call.Arguments);
            },
            call =>
            {
                Assert.Equal("call_1", call.Id);
                Assert.Equal("second", call.Name);
                Assert.Equal("{}", call.Arguments);
            });
    }

    [Fact(Timeout = 30_000)]
    public async Task Several_malformed_indexes_in_one_chunk_name_the_first()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":"Calling"},"finish_reason":null}"""),
            Chunk("""{"index":0,"delta":{"tool_calls":[{"index":-1,"id":"a"},{"index":"x","id":"b"}]},"finish_reason":null}"""),
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(sse, TestContext.Current.CancellationToken);

        Assert.Contains("tool_calls[0].index is the number -1, not a non-negative integer", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("tool_calls[1]", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_array_index_is_skipped_whole_so_the_choices_own_error_is_still_read()
    {
        // The index problem is found first, but a choice that ended in error reports the host's error (it wins over a format
        // problem); that error comes after the malformed index, so it is read only if the index was skipped whole.
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":"Calling"},"finish_reason":null}"""),
            Chunk("""{"index":0,"delta":{"tool_calls":[{"index":[0],"id":"b"}]},"finish_reason":"error","error":{"code":502,"message":"Upstream went away"}}"""),
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiApiException>(sse, TestContext.Current.CancellationToken);

        Assert.True(exception.IsStreamError);
        Assert.Contains("Upstream went away", exception.Error.Message, StringComparison.Ordinal);
    }
}
