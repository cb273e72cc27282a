using System.Net;
using System.Text;
using Kimi.Client.Agents;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Kimi.Client.Tests.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Providers;

/// <summary>
/// OpenRouter's streaming quirks (conformance 36): an in-band error chunk is a typed stream error carrying the partial result,
/// <c>: OPENROUTER PROCESSING</c> comments keep the stream alive, leading whitespace before a JSON body is life too, the
/// repeated finish chunk counts once, and a debug chunk without choices is no update. Real sockets; the timing tests use short
/// real limits with the server's pace far inside them.
/// </summary>
public class OpenRouterStreamingTests
{
    private const string Chunk =
        """data: {"id":"gen-2","object":"chat.completion.chunk","created":1,"model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null,"native_finish_reason":null}]}""";

    private const string Finish =
        """data: {"id":"gen-2","object":"chat.completion.chunk","created":1,"model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI","choices":[{"index":0,"delta":{"content":" done"},"finish_reason":"stop","native_finish_reason":"stop"}]}""";

    private const string Comment = ": OPENROUTER PROCESSING\n\n";

    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan Silence = TimeSpan.FromMilliseconds(2400);

    private static KimiProvider OpenRouter => KimiProvider.OpenRouter;

    private static string Fixture(string name) => Fixtures.Text($"Providers/Fixtures/{name}");

    private static string ErrorChunk(string code = "502", string choices = """[{"index":0,"delta":{"content":""},"finish_reason":"error","native_finish_reason":"error"}]""") =>
        """data: {"id":"gen-2","object":"chat.completion.chunk","created":1,"model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI","error":{"code":""" + code +
        ""","message":"Provider returned error","metadata":{"error_type":"provider_unavailable","raw":"upstream connect error","provider_name":"Moonshot AI"}},"choices":""" + choices + "}";

    private static async Task<KimiApiException> StreamFailingAsync(string sse, CancellationToken cancellationToken)
    {
        using var server = StreamReplay.Serve(sse);
        using var client = TestClients.For(OpenRouter, server.Url!);
        var texts = new List<string>();
        var ex = await Assert.ThrowsAnyAsync<KimiApiException>(async () =>
        {
            await foreach (var update in client.StreamAsync("Hi", cancellationToken: cancellationToken))
            {
                texts.Add(update.ContentDelta ?? string.Empty);
            }
        });
        Assert.Equal("Partial", string.Concat(texts));
        return ex;
    }

    // 36: the fixture of the conformance item
    [Fact(Timeout = 10_000)]
    public async Task An_in_band_error_chunk_is_a_typed_stream_error_with_the_partial_result()
    {
        var ex = await StreamFailingAsync(Sse.Frame(Fixture("openrouter-in-band-error.sse")), TestContext.Current.CancellationToken);

        Assert.IsType<KimiServerException>(ex);
        Assert.True(ex.IsStreamError);
        Assert.Equal(HttpStatusCode.BadGateway, ex.Status);
        Assert.Equal("provider_unavailable", ex.Error.ErrorType);
        Assert.Equal("upstream connect error", ex.Error.Message);
        Assert.Equal("Moonshot AI", ex.Error.UpstreamProvider);
        Assert.Equal("Partial", ex.PartialCompletion!.Text);
        Assert.Equal(FinishReason.Error, ex.PartialCompletion.FinishReason);
        Assert.Equal("error", ex.PartialCompletion.NativeFinishReason);
        Assert.True(ex.PartialCompletion.IsIncomplete);
    }

    // 36: the variants
    [Theory(Timeout = 10_000)]
    [InlineData("no [DONE]")]
    [InlineData("choices:[]")]
    [InlineData("string code")]
    public async Task The_same_outcome_without_DONE_with_empty_choices_and_with_a_string_code(string variant)
    {
        var sse = variant switch
        {
            "no [DONE]" => StreamReplay.Lines(Chunk, ErrorChunk()),
            "choices:[]" => StreamReplay.Lines(Chunk, ErrorChunk(choices: "[]"), "data: [DONE]"),
            _ => StreamReplay.Lines(Chunk, ErrorChunk(code: "\"server_error\""), "data: [DONE]"),
        };

        var ex = await StreamFailingAsync(sse, TestContext.Current.CancellationToken);

        Assert.True(ex.IsStreamError);
        Assert.Equal("provider_unavailable", ex.Error.ErrorType);
        Assert.Equal("upstream connect error", ex.Error.Message);
        Assert.Equal("Moonshot AI", ex.Error.UpstreamProvider);
        Assert.Equal("Partial", ex.PartialCompletion!.Text);
        Assert.Equal(FinishReason.Error, ex.PartialCompletion.FinishReason);
        if (variant == "string code")
        {
            Assert.Equal("server_error", ex.Error.Code); // no status in it: the category stands for one
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadGateway, ex.Status);
        }
    }

    // 36: a tool call cut by the error is incomplete and never run
    [Fact(Timeout = 15_000)]
    public async Task A_tool_call_cut_by_the_error_is_incomplete_and_never_executed()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"gen-4","model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI","choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning":"Call it.","tool_calls":[{"index":0,"id":"get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Pa"}}]},"finish_reason":null}]}""",
            ErrorChunk(),
            "data: [DONE]");
        using var server = StreamReplay.Serve(sse);
        using var client = TestClients.For(OpenRouter, server.Url!);
        var calls = 0;
        var tool = AIFunctionFactory.Create((string city) => { Interlocked.Increment(ref calls); return "Sunny"; }, "get_weather", "Get weather");

        var ex = await Assert.ThrowsAsync<KimiServerException>(async () =>
        {
            await foreach (var _ in client.StreamAsync("Weather?", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });
        var run = await new KimiAgent(client, [tool]).RunAsync([KimiMessage.User("Weather in Paris?")], TestContext.Current.CancellationToken);

        var call = Assert.Single(ex.PartialCompletion!.ToolCalls);
        Assert.NotNull(call.ArgumentsError);
        Assert.True(ex.PartialCompletion.IsIncomplete);
        Assert.Equal(KimiAgentStopReason.Failed, run.StopReason);
        Assert.IsType<KimiServerException>(run.Exception);
        Assert.Equal(0, calls);
    }

    // 36: comments are life, between events
    [Fact(Timeout = 20_000)]
    public async Task Comments_keep_a_silent_stream_alive_past_the_idle_limit_and_never_produce_an_update()
    {
        var result = await PacedAsync(comments: true, beforeFirst: false, TestContext.Current.CancellationToken);

        Assert.Equal("Partial done", result.Completion.Text);
        Assert.Equal(2, result.Updates.Count); // the comments produced none
        Assert.False(result.Completion.IsIncomplete);
    }

    // 36: and without them the idle limit fires
    [Fact(Timeout = 20_000)]
    public async Task The_same_stream_without_comments_fails_with_the_idle_timeout()
    {
        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(
            () => PacedAsync(comments: false, beforeFirst: false, TestContext.Current.CancellationToken));

        Assert.Contains("Resilience.IdleTimeout", ex.Message);
        Assert.Equal("Partial", ex.PartialCompletion!.Text);
    }

    // 36: comments before the first event (OpenRouter often sends several) count as life too
    [Fact(Timeout = 20_000)]
    public async Task Comments_before_the_first_event_keep_the_first_chunk_limit_from_firing()
    {
        var result = await PacedAsync(comments: true, beforeFirst: true, TestContext.Current.CancellationToken);
        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(
            () => PacedAsync(comments: false, beforeFirst: true, TestContext.Current.CancellationToken));

        Assert.Equal("Partial done", result.Completion.Text);
        Assert.Contains("Resilience.FirstChunkTimeout", ex.Message);
    }

    // 36: leading whitespace is life before a JSON body
    [Fact(Timeout = 20_000)]
    public async Task A_non_streamed_body_after_newlines_sent_slowly_parses_and_only_whitespace_is_an_empty_body()
    {
        var json = Fixture("openrouter-tool-call-response.json").ReplaceLineEndings(" ");
        await using var slow = await LoopbackServer.StartAsync(context => Trickled(context, json));
        await using var empty = await LoopbackServer.StartAsync(context => Trickled(context, string.Empty));
        using var client = TestClients.For(OpenRouter, slow.Url, o => o.Resilience.IdleTimeout = Limit);
        using var emptyClient = TestClients.For(OpenRouter, empty.Url, o => o.Resilience.IdleTimeout = Limit);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        var ex = await Assert.ThrowsAsync<KimiResponseFormatException>(() => emptyClient.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("get_weather:0", Assert.Single(completion.ToolCalls).Id);
        Assert.Contains("it is empty", ex.Message);
    }

    // 36: the recorded duplicate finish chunk
    [Fact(Timeout = 10_000)]
    public async Task The_repeated_finish_chunk_is_one_finish_with_its_native_reason_and_usage_counted_once()
    {
        var result = await StreamReplay.ReplayAsync(Sse.Frame(Fixture("openrouter-recorded-tool-call-duplicate-finish.sse")), OpenRouter, TestContext.Current.CancellationToken);

        Assert.Equal(FinishReason.ToolCalls, result.Completion.FinishReason);
        Assert.Equal("stop", result.Completion.NativeFinishReason);
        Assert.Single(result.Updates, u => u.FinishReason is not null);
        Assert.Equal("stop", result.Updates.Single(u => u.FinishReason is not null).NativeFinishReason);
        Assert.Equal((67, 5, 72), (result.Completion.Usage!.InputTokens, result.Completion.Usage.OutputTokens, result.Completion.Usage.TotalTokens));
        Assert.Equal("""{"city":"Paris"}""", Assert.Single(result.Completion.ToolCalls).Arguments);
        Assert.Equal("OpenAI", result.Completion.UpstreamProvider);
    }

    // 36
    [Fact(Timeout = 10_000)]
    public async Task A_later_chunk_with_a_null_finish_reason_does_not_clear_it()
    {
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
                """data: {"id":"g","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop","native_finish_reason":"stop"}]}""",
                """data: {"id":"g","choices":[{"index":0,"delta":{},"finish_reason":null,"native_finish_reason":null}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4,"cost":0.000001}}""",
                "data: [DONE]"),
            OpenRouter,
            TestContext.Current.CancellationToken);

        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal("stop", result.Completion.NativeFinishReason);
        Assert.Equal(0.000001m, result.Completion.Usage!.Cost);
    }

    // 36
    [Fact(Timeout = 10_000)]
    public async Task A_debug_chunk_without_choices_is_no_update_and_no_error()
    {
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
                """data: {"id":"gen-3","object":"chat.completion.chunk","created":1,"model":"m","provider":"Moonshot AI","choices":[],"debug":{"echo_upstream_body":{"model":"kimi-k2.6"}}}""",
                """data: {"id":"gen-3","object":"chat.completion.chunk","created":1,"model":"m","provider":"Moonshot AI","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""",
                "data: [DONE]"),
            OpenRouter,
            TestContext.Current.CancellationToken);

        var update = Assert.Single(result.Updates);
        Assert.Equal("Hi", update.ContentDelta);
        Assert.Equal("gen-3", result.Completion.Id);
    }

    /// <summary>Streams <see cref="Paced"/> from loopback Kestrel under short first-event and idle limits.</summary>
    private static async Task<StreamResult> PacedAsync(bool comments, bool beforeFirst, CancellationToken cancellationToken)
    {
        await using var server = await LoopbackServer.StartAsync(context => Paced(context, comments, beforeFirst));
        using var client = TestClients.For(OpenRouter, server.Url, o =>
        {
            o.Resilience.FirstChunkTimeout = Limit;
            o.Resilience.IdleTimeout = Limit;
        });
        return await StreamReplay.CollectAsync(client.StreamAsync("Hi", cancellationToken: cancellationToken), cancellationToken);
    }

    /// <summary>A chunk, a silence (filled with comments or not), then the finish.</summary>
    private static async Task Paced(HttpContext context, bool comments, bool beforeFirst)
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        if (!beforeFirst)
        {
            await Write(context, Chunk + "\n\n");
        }

        for (var waited = TimeSpan.Zero; waited < Silence; waited += Pace)
        {
            if (comments)
            {
                await Write(context, Comment);
            }

            await Task.Delay(Pace, context.RequestAborted);
        }

        await Write(context, (beforeFirst ? Chunk + "\n\n" : string.Empty) + Finish + "\n\ndata: [DONE]\n\n");
    }

    /// <summary>Four newlines, one at a time at the server's pace, then the body (or nothing, and the connection closes).</summary>
    private static async Task Trickled(HttpContext context, string body)
    {
        context.Response.ContentType = "application/json";
        for (var i = 0; i < 4; i++)
        {
            await Write(context, "\n");
            await Task.Delay(Pace * 3, context.RequestAborted);
        }

        await Write(context, body);
    }

    private static async Task Write(HttpContext context, string text)
    {
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}

