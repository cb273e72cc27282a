using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// After a data-less <c>event: ping</c>, System.Net.ServerSentEvents keeps "ping" as the next event's type, so a real
/// chunk arrives under that name. Each kind of chunk (text only, reasoning only, a tool call only, usage only, a finish
/// only) must still be read, and a ping that carries no chunk must still be skipped.
/// </summary>
public class DataLessEventTests
{
    private const string Ping = "event: ping\n\n";
    private const string First = """data: {"id":"p","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}""" + "\n\n";
    private const string Finish = """data: {"id":"p","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""" + "\n\n";
    private const string Done = "data: [DONE]\n\n";

    private static Task<StreamResult> ReplayAsync(CancellationToken cancellationToken, params string[] events) =>
        StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context, events), cancellationToken);

    [Fact(Timeout = 10_000)]
    public async Task A_content_only_chunk_after_a_data_less_ping_is_kept()
    {
        var result = await ReplayAsync(
            TestContext.Current.CancellationToken,
            First,
            Ping,
            """data: {"id":"p","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":null}]}""" + "\n\n",
            Finish,
            Done);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(["Hel", "lo"], result.UpdatesWithContent.Select(u => u.ContentDelta));
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_reasoning_only_chunk_after_a_data_less_ping_is_kept()
    {
        var result = await ReplayAsync(
            TestContext.Current.CancellationToken,
            Ping,
            """data: {"id":"p","choices":[{"index":0,"delta":{"reasoning_content":"Think."},"finish_reason":null}]}""" + "\n\n",
            First,
            Finish,
            Done);

        Assert.Equal("Think.", result.Completion.Reasoning);
        Assert.Equal("Hel", result.Completion.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_tool_call_only_chunk_after_a_data_less_ping_is_kept()
    {
        var result = await ReplayAsync(
            TestContext.Current.CancellationToken,
            First,
            Ping,
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]},"finish_reason":null}]}""" + "\n\n",
            Ping,
            """data: {"id":"p","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]},"finish_reason":null}]}""" + "\n\n", // a bare arguments piece
            """data: {"id":"p","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""" + "\n\n",
            Done);

        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("""{"city":"Paris"}""", call.Arguments);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_usage_only_chunk_after_a_data_less_ping_is_kept()
    {
        var result = await ReplayAsync(
            TestContext.Current.CancellationToken,
            First,
            Finish,
            Ping,
            """data: {"id":"p","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}""" + "\n\n",
            Done);

        Assert.Equal(12, result.Completion.Usage!.InputTokens);
        Assert.Equal(17, result.Completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_finish_only_chunk_after_a_data_less_ping_is_kept()
    {
        var result = await ReplayAsync(TestContext.Current.CancellationToken, First, Ping, Finish, Done);

        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_error_chunk_after_a_data_less_ping_still_throws()
    {
        var result = ReplayAsync(
            TestContext.Current.CancellationToken,
            First,
            Ping,
            """data: {"error":{"message":"Stream failed","type":"server_error","code":"stream_failure"}}""" + "\n\n",
            Done);

        var exception = await Assert.ThrowsAsync<KimiServerException>(() => result);

        Assert.Equal("Stream failed", exception.Error.Message);
        Assert.True(exception.IsStreamError);
        Assert.Equal("Hel", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_ping_with_an_empty_json_object_or_text_is_skipped_without_an_update()
    {
        var result = await ReplayAsync(
            TestContext.Current.CancellationToken,
            First,
            "event: ping\ndata: {}\n\n",
            "event: ping\ndata: {\"choices\":[]}\n\n",
            "event: ping\ndata: keep-alive\n\n",
            Finish,
            Done);

        Assert.Equal("Hel", result.Completion.Text);
        Assert.Equal(2, result.Updates.Count); // the text and the finish: the pings produced nothing
    }
}
