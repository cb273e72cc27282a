using System.Net;
using Kimi.Client.Tests.Streaming;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// Error bodies with parts missing: DeepInfra's flat in-stream frame with only one of <c>error_type</c> /
/// <c>error_message</c> or an empty message, and FastAPI <c>detail</c> lists of plain strings. Each becomes the typed
/// exception for its status or type, never a <see cref="NullReferenceException"/>, an <see cref="InvalidOperationException"/>
/// or a format error.
/// </summary>
public class PartialErrorBodyTests
{
    private const string Partial = """data: {"id":"e","object":"chat.completion.chunk","created":1,"model":"moonshotai/Kimi-K2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null}]}""";

    private static Task<(KimiApiException Exception, IReadOnlyList<ChatCompletionUpdate> Updates)> DeepInfraFrameAsync(string frame, CancellationToken cancellationToken) =>
        StreamReplay.ReplayFailingAsync<KimiApiException>(StreamReplay.Lines(Partial, "data: " + frame, "data: [DONE]"), KimiProvider.DeepInfra, cancellationToken);

    [Fact(Timeout = 10_000)]
    public async Task A_deepinfra_frame_with_only_an_error_type_is_a_typed_error_without_a_message()
    {
        var (exception, _) = await DeepInfraFrameAsync("""{"error_type":"validation_error"}""", TestContext.Current.CancellationToken);

        Assert.IsType<KimiBadRequestException>(exception, exactMatch: true);
        Assert.Equal(HttpStatusCode.BadRequest, exception.Status);
        Assert.Null(exception.Error.Message);
        Assert.Equal("validation_error", exception.Error.Type);
        Assert.True(exception.IsStreamError);
        Assert.Contains("(no error message in the body)", exception.Message, StringComparison.Ordinal);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_deepinfra_frame_with_only_an_error_message_is_a_server_error_with_that_message()
    {
        var (exception, _) = await DeepInfraFrameAsync("""{"error_message":"Model busy, retry later"}""", TestContext.Current.CancellationToken);

        Assert.IsType<KimiServerException>(exception, exactMatch: true);
        Assert.Equal("Model busy, retry later", exception.Error.Message);
        Assert.Null(exception.Error.Type);
        Assert.True(exception.IsStreamError);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"error_type":"internal_error","error_message":""}""")]
    [InlineData("""{"error_type":"internal_error","error_message":null}""")]
    [InlineData("""{"error_type":"internal_error","error_message":"   "}""")]
    public async Task A_deepinfra_frame_with_an_empty_message_is_a_typed_error(string frame)
    {
        var (exception, _) = await DeepInfraFrameAsync(frame, TestContext.Current.CancellationToken);

        Assert.IsType<KimiServerException>(exception, exactMatch: true);
        Assert.Equal("internal_error", exception.Error.Type);
        Assert.Contains("(no error message in the body)", exception.Message, StringComparison.Ordinal);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"error_type":"internal_error","error_message":"{not json"}""", "{not json")]
    [InlineData("""{"error_type":"internal_error","error_message":"{\"foo\":1}"}""", """{"foo":1}""")]
    public async Task A_deepinfra_message_that_only_looks_like_json_is_kept_as_text(string frame, string message)
    {
        var (exception, _) = await DeepInfraFrameAsync(frame, TestContext.Current.CancellationToken);

        Assert.IsType<KimiServerException>(exception, exactMatch: true);
        Assert.Equal(message, exception.Error.Message);
        Assert.Equal("internal_error", exception.Error.Type);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_deepinfra_message_with_its_own_type_and_code_keeps_them()
    {
        var (exception, _) = await DeepInfraFrameAsync(
            """{"error_type":"internal_error","error_message":"{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_reached_error\",\"code\":\"busy\",\"param\":\"model\"}}"}""", TestContext.Current.CancellationToken);

        Assert.IsType<KimiRateLimitException>(exception, exactMatch: true);
        Assert.Equal("slow down", exception.Error.Message);
        Assert.Equal("rate_limit_reached_error", exception.Error.Type);
        Assert.Equal("busy", exception.Error.Code);
        Assert.Equal("model", exception.Error.Param);
        Assert.True(exception.IsStreamError);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"detail":["text"]}""", "text")]
    [InlineData("""{"detail":["first","second"]}""", "first; second")]
    [InlineData("""{"detail":[{"loc":["body","messages",2],"msg":"field required"},"plain",{"msg":"no location"}]}""", "body.messages.2: field required; plain; no location")]
    [InlineData("""{"detail":[{"loc":"body","type":"missing"}]}""", """{"loc":"body","type":"missing"}""")]
    public async Task A_fastapi_detail_list_becomes_a_bad_request_naming_each_entry(string body, string message)
    {
        using var server = ErrorReplies.Serve(422, body);

        var exception = await ErrorReplies.CatchAsync<KimiBadRequestException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, exception.Status);
        Assert.Equal(message, exception.Error.Message);
        Assert.Equal("validation_error", exception.Error.Type);
        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_fastapi_detail_string_keeps_the_type_beside_it()
    {
        using var server = ErrorReplies.Serve(400, """{"detail":"Bad model name","type":"invalid_request_error"}""");

        var exception = await ErrorReplies.CatchAsync<KimiBadRequestException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal("Bad model name", exception.Error.Message);
        Assert.Equal("invalid_request_error", exception.Error.Type);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_problem_details_body_with_only_a_status_and_detail_is_read()
    {
        using var server = ErrorReplies.Serve(503, """{"status":503,"detail":"Function is warming up","type":"urn:nvcf:warming"}""");

        var exception = await ErrorReplies.CatchAsync<KimiServerException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal("Function is warming up", exception.Error.Message);
        Assert.Equal("urn:nvcf:warming", exception.Error.Type);
        Assert.Equal("503", exception.Error.Code);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_bare_string_error_keeps_the_type_and_code_beside_it()
    {
        using var server = ErrorReplies.Serve(503, """{"error":"Server overloaded, please retry shortly","type":"overloaded","code":"busy"}""");

        var exception = await ErrorReplies.CatchAsync<KimiServerException>(server, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("Server overloaded, please retry shortly", exception.Error.Message);
        Assert.Equal("overloaded", exception.Error.Type);
        Assert.Equal("busy", exception.Error.Code);
    }
}
