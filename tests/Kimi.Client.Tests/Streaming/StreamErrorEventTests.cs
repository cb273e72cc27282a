using System.Net;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>Conformance 26: error events mid-stream throw a typed exception carrying the partial result.</summary>
public class StreamErrorEventTests
{
    [Fact(Timeout = 10_000)]
    public async Task An_openai_shaped_error_frame_throws_a_server_error_with_the_partial_text()
    {
        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiApiException>(StreamReplay.Fixture("conformance-26-error-frame.sse"), TestContext.Current.CancellationToken);

        Assert.IsType<KimiServerException>(exception);
        Assert.True(exception.IsStreamError);
        Assert.Equal(HttpStatusCode.InternalServerError, exception.Status);
        Assert.Equal("Stream failed", exception.Error.Message);
        Assert.Equal("server_error", exception.Error.Type);
        Assert.Equal("stream_failure", exception.Error.Code);
        Assert.Contains("Stream failed", exception.Message, StringComparison.Ordinal);
        Assert.Equal(KimiProvider.Moonshot, exception.Provider);
        var partial = Assert.IsType<ChatCompletion>(exception.PartialCompletion);
        Assert.Equal("Partial", partial.Text);
        Assert.True(partial.IsIncomplete);
        Assert.Equal("Partial", Assert.Single(updates).ContentDelta);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_deepinfra_error_frame_is_unwrapped_to_its_message_and_maps_to_bad_request()
    {
        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiApiException>(
            StreamReplay.Fixture("conformance-26-deepinfra-error-frame.sse"), KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.IsType<KimiBadRequestException>(exception);
        Assert.Equal(HttpStatusCode.BadRequest, exception.Status);
        Assert.Equal("bad", exception.Error.Message);
        Assert.Equal("validation_error", exception.Error.Type);
        Assert.True(exception.IsStreamError);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
        Assert.DoesNotContain(TestClients.ApiKey, exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_deepinfra_input_length_error_frame_is_a_context_length_error_with_the_partial_text()
    {
        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiApiException>(
            StreamReplay.Fixture("deepinfra-input-length-error-frame.sse"), KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.IsType<KimiContextLengthExceededException>(exception);
        Assert.Equal("Requested input length 300000 exceeds maximum input length 262144", exception.Error.Message);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_vllm_error_frame_followed_by_done_is_still_an_error()
    {
        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiApiException>(
            StreamReplay.Fixture("conformance-26-vllm-error-then-done.sse"), KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.IsType<KimiBadRequestException>(exception);
        Assert.Equal(HttpStatusCode.BadRequest, exception.Status);
        Assert.Equal("Stream failed", exception.Error.Message);
        Assert.Equal("BadRequestError", exception.Error.Type);
        Assert.Equal("400", exception.Error.Code);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
        Assert.Single(updates);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_error_frame_keeps_reasoning_tool_calls_and_usage_received_before_it()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"e","choices":[{"index":0,"delta":{"reasoning_content":"Need weather."}}]}""",
            """data: {"id":"e","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]}}],"usage":{"prompt_tokens":9,"completion_tokens":4}}""",
            """data: {"error":{"message":"Stream failed","type":"server_error"}}""");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiApiException>(sse, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, exception.Status);
        var partial = exception.PartialCompletion!;
        Assert.Equal("Need weather.", partial.Reasoning);
        var call = Assert.Single(partial.ToolCalls);
        Assert.Equal("get_weather_0", call.Id);
        Assert.Equal("""{"city":""", call.Arguments);
        Assert.NotNull(call.ArgumentsError);
        Assert.Equal(9, partial.Usage!.InputTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_error_frame_before_any_content_still_throws_a_typed_error()
    {
        var sse = StreamReplay.Lines("""data: {"error":{"message":"Stream failed","type":"server_error"}}""", "data: [DONE]");

        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiServerException>(sse, TestContext.Current.CancellationToken);

        Assert.Empty(updates);
        Assert.Equal("Stream failed", exception.Error.Message);
        Assert.Equal(string.Empty, exception.PartialCompletion?.Text ?? string.Empty);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_null_error_field_on_a_normal_chunk_is_not_an_error()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"e","error":null,"choices":[{"index":0,"delta":{"content":"Fine"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Fine", result.Completion.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_sse_error_event_throws_with_the_partial_result()
    {
        var result = StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            "data: {\"id\":\"e\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Partial\"}}]}\n\n",
            "event: error\ndata: {\"message\":\"upstream reset\",\"type\":\"server_error\"}\n\n",
            "data: [DONE]\n\n",
        ]), TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAnyAsync<KimiApiException>(() => result);

        Assert.Equal("upstream reset", exception.Error.Message);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
    }
}
