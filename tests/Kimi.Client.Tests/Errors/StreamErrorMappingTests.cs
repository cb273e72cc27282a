using System.Net;
using Kimi.Client.Tests.Streaming;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// An error event mid-stream maps to the exception its numeric <c>code</c> (400–599) or, failing that, its <c>type</c>
/// stands for, exactly as the same error would as an HTTP status; every exception raised mid-stream says so
/// (<see cref="KimiApiException.IsStreamError"/>) and carries the partial result.
/// </summary>
public class StreamErrorMappingTests
{
    private const string Partial = """data: {"id":"e","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null}]}""";

    private static async Task<KimiApiException> FailMidStreamAsync(string errorFrame, CancellationToken cancellationToken, KimiProvider? provider = null)
    {
        provider ??= KimiProvider.Moonshot;
        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiApiException>(
            StreamReplay.Lines(Partial, "data: " + errorFrame, "data: [DONE]"), provider, cancellationToken);
        Assert.Equal("Partial", Assert.Single(updates).ContentDelta);
        Assert.True(exception.IsStreamError);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
        Assert.True(exception.PartialCompletion.IsIncomplete);
        Assert.Contains("mid-stream", exception.Message, StringComparison.Ordinal);
        return exception;
    }

    [Theory(Timeout = 10_000)]
    [InlineData(401, typeof(KimiAuthenticationException))]
    [InlineData(403, typeof(KimiAuthenticationException))]
    [InlineData(429, typeof(KimiRateLimitException))]
    [InlineData(400, typeof(KimiBadRequestException))]
    [InlineData(404, typeof(KimiBadRequestException))] // mid-stream the model was found: a 404 here is not "model not found"
    [InlineData(405, typeof(KimiBadRequestException))]
    [InlineData(422, typeof(KimiBadRequestException))]
    [InlineData(499, typeof(KimiBadRequestException))]
    [InlineData(500, typeof(KimiServerException))]
    [InlineData(502, typeof(KimiServerException))]
    [InlineData(599, typeof(KimiServerException))]
    public async Task A_numeric_code_in_an_error_event_maps_like_the_same_http_status(int code, Type expected)
    {
        // The type says nothing (OpenRouter sends the upstream status as a number and its own error type).
        var exception = await FailMidStreamAsync($$$"""{"error":{"message":"Upstream said no","type":"upstream_error","code":{{{code}}}}}""", TestContext.Current.CancellationToken);

        Assert.IsType(expected, exception, exactMatch: true);
        Assert.Equal((HttpStatusCode)code, exception.Status);
        Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), exception.Error.Code);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("399")]
    [InlineData("600")]
    [InlineData("stream_failure")]
    [InlineData("4o1")]
    public async Task A_code_that_is_not_an_http_error_status_falls_back_to_the_type(string code)
    {
        var exception = await FailMidStreamAsync($$$"""{"error":{"message":"Upstream said no","type":"upstream_error","code":"{{{code}}}"}}""", TestContext.Current.CancellationToken);

        Assert.IsType<KimiServerException>(exception, exactMatch: true);
        Assert.Equal(HttpStatusCode.InternalServerError, exception.Status);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_numeric_401_mid_stream_is_an_authentication_error_not_a_server_error()
    {
        var exception = await FailMidStreamAsync("""{"error":{"message":"Invalid Authentication","type":"invalid_authentication_error","code":401}}""", TestContext.Current.CancellationToken);

        var auth = Assert.IsType<KimiAuthenticationException>(exception, exactMatch: true);
        Assert.Equal(HttpStatusCode.Unauthorized, auth.Status);
        Assert.Contains("MOONSHOT_API_KEY", auth.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("rate_limit_reached_error", typeof(KimiRateLimitException), HttpStatusCode.TooManyRequests)]
    [InlineData("engine_overloaded_error", typeof(KimiRateLimitException), HttpStatusCode.TooManyRequests)]
    [InlineData("Engine_Overloaded", typeof(KimiRateLimitException), HttpStatusCode.TooManyRequests)]
    [InlineData("RATE_LIMIT_EXCEEDED", typeof(KimiRateLimitException), HttpStatusCode.TooManyRequests)]
    [InlineData("invalid_request_error", typeof(KimiBadRequestException), HttpStatusCode.BadRequest)]
    [InlineData("Invalid_Request_Error", typeof(KimiBadRequestException), HttpStatusCode.BadRequest)]
    [InlineData("validation_error", typeof(KimiBadRequestException), HttpStatusCode.BadRequest)]
    [InlineData("ValidationError", typeof(KimiBadRequestException), HttpStatusCode.BadRequest)]
    [InlineData("BadRequestError", typeof(KimiBadRequestException), HttpStatusCode.BadRequest)]
    [InlineData("badrequest", typeof(KimiBadRequestException), HttpStatusCode.BadRequest)]
    [InlineData("server_error", typeof(KimiServerException), HttpStatusCode.InternalServerError)]
    public async Task An_error_event_without_a_numeric_code_maps_by_its_type(string type, Type expected, HttpStatusCode status)
    {
        var exception = await FailMidStreamAsync($$$"""{"error":{"message":"Upstream said no","type":"{{{type}}}"}}""", TestContext.Current.CancellationToken);

        Assert.IsType(expected, exception, exactMatch: true);
        Assert.Equal(status, exception.Status);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_rate_limit_event_reads_the_retry_hint_from_the_message()
    {
        var exception = await FailMidStreamAsync(
            """{"error":{"message":"Your account is rate limited, please try again after 7 seconds","type":"rate_limit_reached_error"}}""", TestContext.Current.CancellationToken);

        var rateLimit = Assert.IsType<KimiRateLimitException>(exception, exactMatch: true);
        Assert.Equal(TimeSpan.FromSeconds(7), rateLimit.RetryAfter);
        Assert.Contains("retry after 7 s", rateLimit.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_context_length_event_is_a_context_length_error_flagged_as_a_stream_error()
    {
        var exception = await FailMidStreamAsync(
            """{"error":{"message":"This model's maximum context length is 262144 tokens. However, you requested 300000 tokens.","type":"BadRequestError","code":400}}""",
            TestContext.Current.CancellationToken,
            KimiProvider.Vllm);

        Assert.IsType<KimiContextLengthExceededException>(exception, exactMatch: true);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_context_length_code_event_is_a_context_length_error_flagged_as_a_stream_error()
    {
        var exception = await FailMidStreamAsync("""{"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}""", TestContext.Current.CancellationToken, KimiProvider.Vllm);

        Assert.IsType<KimiContextLengthExceededException>(exception, exactMatch: true);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_missing_reasoning_event_is_a_missing_reasoning_error_flagged_as_a_stream_error()
    {
        var exception = await FailMidStreamAsync(
            """{"error":{"message":"thinking is enabled but reasoning_content is missing in assistant tool call message at index 3","type":"invalid_request_error"}}""", TestContext.Current.CancellationToken);

        var missing = Assert.IsType<KimiMissingReasoningException>(exception, exactMatch: true);
        Assert.Equal(3, missing.MessageIndex);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_flat_vllm_error_event_with_a_numeric_code_maps_by_the_code()
    {
        var exception = await FailMidStreamAsync("""{"object":"error","message":"Unauthorized","type":"Unauthorized","param":null,"code":401}""", TestContext.Current.CancellationToken, KimiProvider.Vllm);

        Assert.IsType<KimiAuthenticationException>(exception, exactMatch: true);
        Assert.Equal("401", exception.Error.Code);
    }
}
