namespace Kimi.Client.Tests.Errors;

/// <summary>
/// Which of the error body shapes (conformance 29) a body is taken for when its fields overlap: problem details with a
/// title and an RFC 7807 <c>type</c>, with a title alone, with a title and detail but no status; a flat body whose
/// <c>status</c> is a word; a flat body's <c>param</c>; and a status the client does not expect at all.
/// </summary>
public class ProblemDetailsAndFlatBodyTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_problem_details_title_wins_over_the_rfc_7807_type_uri()
    {
        using var server = ErrorReplies.Serve(404, """{"type":"about:blank","status":404,"title":"Not Found","detail":"Function 'abc': Not found for account 'xyz'"}""", "application/problem+json");

        var exception = await ErrorReplies.CatchAsync<KimiModelNotFoundException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal("Not Found", exception.Error.Type);
        Assert.Equal("Function 'abc': Not found for account 'xyz'", exception.Error.Message);
        Assert.Equal("404", exception.Error.Code);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_problem_details_body_with_only_a_title_uses_it_as_the_message()
    {
        using var server = ErrorReplies.Serve(429, """{"title":"Too Many Requests"}""");

        var exception = await ErrorReplies.CatchAsync<KimiRateLimitException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal("Too Many Requests", exception.Error.Message);
        Assert.Equal("Too Many Requests", exception.Error.Type);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_problem_details_body_with_a_title_and_detail_but_no_status_is_not_read_as_fastapi()
    {
        using var server = ErrorReplies.Serve(400, """{"title":"Bad Request","detail":"top_p is immutable"}""");

        var exception = await ErrorReplies.CatchAsync<KimiBadRequestException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal("top_p is immutable", exception.Error.Message);
        Assert.Equal("Bad Request", exception.Error.Type);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_flat_body_whose_status_is_a_word_is_read_as_a_flat_message()
    {
        using var server = ErrorReplies.Serve(500, """{"status":"error","message":"upstream model crashed","type":"server_error"}""");

        var exception = await ErrorReplies.CatchAsync<KimiServerException>(server, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("upstream model crashed", exception.Error.Message);
        Assert.Equal("server_error", exception.Error.Type);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_flat_error_body_keeps_its_param()
    {
        using var server = ErrorReplies.Serve(400, """{"object":"error","message":"messages must not be empty","type":"BadRequestError","param":"messages","code":400}""");

        var exception = await ErrorReplies.CatchAsync<KimiBadRequestException>(server, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("messages", exception.Error.Param);
        Assert.Equal("400", exception.Error.Code);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_status_the_client_does_not_expect_is_a_plain_api_error_naming_it()
    {
        using var server = ErrorReplies.Serve(300, """{"message":"pick one"}""");

        var exception = await ErrorReplies.CatchAsync<KimiApiException>(server, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.Ambiguous, exception.Status);
        Assert.Contains("returned 300", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Unexpected status from the provider.", exception.Message, StringComparison.Ordinal);
        Assert.False(exception.IsStreamError);
    }
}
