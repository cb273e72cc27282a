namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// Chunk shapes the parser must read the same way on every host: an empty Cloudflare <c>errors</c> list is no error, a
/// second choice is ignored (n is pinned to 1), content sent as parts is joined from its text parts only, values of an
/// unexpected type are skipped without hiding the fields after them, and a malformed tool-call index is an error that
/// says which call and what it was (conformance 22).
/// </summary>
public class ChunkShapeTests
{
    private static string Chunk(string choice, string extra = "") =>
        $$"""data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6"{{extra}},"choices":[{{choice}}]}""";

    [Fact(Timeout = 30_000)]
    public async Task An_empty_errors_list_beside_the_choices_is_not_an_error()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":"Fine"},"finish_reason":"stop"}""", extra: ""","success":true,"errors":[],"messages":[]"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Fine", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_errors_field_that_is_not_a_list_is_skipped()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":"Fine"},"finish_reason":"stop"}""", extra: ""","errors":{"code":1}"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Fine", result.Completion.Text);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_non_empty_errors_list_after_the_choices_is_the_hosts_error()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":"Part"},"finish_reason":null}"""),
            """data: {"success":false,"errors":[{"code":3040,"message":"Capacity temporarily exceeded, please try again."},{"code":1,"message":"second"}],"messages":[]}""",
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiApiException>(sse, KimiProvider.CloudflareWorkersAI, TestContext.Current.CancellationToken);

        Assert.True(exception.IsStreamError);
        Assert.Contains("Capacity temporarily exceeded", exception.Error.Message, StringComparison.Ordinal);
        Assert.Equal("Part", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 30_000)]
    public async Task Only_the_first_choice_is_read()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":"One"},"finish_reason":null},{"index":1,"delta":{"content":"Two","tool_calls":[{"index":0,"id":"x","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"length"}"""),
            Chunk("""7,{"index":0,"delta":{"content":" more"},"finish_reason":"stop"}"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("One more", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Empty(result.Completion.ToolCalls);
    }

    [Fact(Timeout = 30_000)]
    public async Task Content_sent_as_parts_is_joined_from_its_text_parts_only()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":["skip me",{"type":"text","text":"Hel"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"text":"lo","extra":{"text":"no"}},{"text":7}]},"finish_reason":null}"""),
            Chunk("""{"index":0,"delta":{"content":[]},"finish_reason":"stop"}"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal("Hello", Assert.Single(result.UpdatesWithContent).ContentDelta);
    }

    [Fact(Timeout = 30_000)]
    public async Task Values_of_an_unexpected_type_are_skipped_and_the_fields_after_them_still_read()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":{"text":"no"},"reasoning_content":{"a":1},"reasoning":["b"],"reasoning_details":{"c":2}},"finish_reason":null}"""),
            Chunk("""{"index":0,"finish_reason":{"why":"stop"},"native_finish_reason":{"raw":1},"error":"not an object","delta":{"content":"Text"}}"""),
            Chunk("""{"index":0,"delta":{},"finish_reason":"stop","native_finish_reason":null}""", extra: ""","id":{"x":1},"model":["m"],"provider":7"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Text", result.Completion.Text);
        Assert.Null(result.Completion.Reasoning);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal("s", result.Completion.Id);
        Assert.Equal("kimi-k2.6", result.Completion.Model);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("-1", "the number -1")]
    [InlineData("1.5", "the number 1.5")]
    [InlineData("4294967296", "the number 4294967296")]
    [InlineData("\"0\"", "the string \"0\"")]
    [InlineData("true", "true")]
    [InlineData("""{"a":1}""", "an object")]
    [InlineData("[0]", "an array")]
    public async Task A_malformed_tool_call_index_names_the_call_and_the_value(string index, string described)
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"content":"Calling"},"finish_reason":null}"""),
            Chunk($$$"""{"index":0,"delta":{"tool_calls":["noise",{"index":0,"id":"a","function":{"name":"f","arguments":""}},{"index":{{{index}}},"id":"b"}]},"finish_reason":null}"""),
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(sse, TestContext.Current.CancellationToken);

        Assert.Contains($"tool_calls[2].index is {described}, not a non-negative integer", exception.Message, StringComparison.Ordinal);
        Assert.Contains("event 2", exception.Message, StringComparison.Ordinal);
        Assert.Equal("Calling", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_null_index_falls_back_to_the_calls_position()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"tool_calls":[{"index":null,"id":"call_a","type":"function","function":{"name":"first","arguments":"{}"}},{"id":"call_b","function":{"name":"second","arguments":{"city":"Paris"}}}]},"finish_reason":"tool_calls"}"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Collection(result.Completion.ToolCalls,
            call =>
            {
                Assert.Equal("call_a", call.Id);
                Assert.Equal("first", call.Name);
                Assert.Equal("{}", call.Arguments);
            },
            call =>
            {
                Assert.Equal("call_b", call.Id);
                Assert.Equal("second", call.Name);
                Assert.Equal("""{"city":"Paris"}""", call.Arguments);
            });
    }

    [Fact(Timeout = 30_000)]
    public async Task A_second_tool_calls_key_in_one_delta_adds_to_the_first()
    {
        var sse = StreamReplay.Lines(
            Chunk("""{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","function":{"name":"first","arguments":"{}"}}],"tool_calls":[{"index":1,"id":"call_b","function":{"name":"second","arguments":"{}","extra":{"x":[1]}}}]},"finish_reason":"tool_calls"}"""),
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(["call_a", "call_b"], result.Completion.ToolCalls.Select(static c => c.Id));
        Assert.Equal(["first", "second"], result.Completion.ToolCalls.Select(static c => c.Name));
    }
}
