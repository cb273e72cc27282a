using System.Net;
using Kimi.Client.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Kimi.Client.Tests.Errors.ErrorReplies;

namespace Kimi.Client.Tests.Errors;

/// <summary>Conformance 29: five error body shapes, each from the provider that sends it, become one exception family.</summary>
public class ErrorBodyShapeTests
{
    [Fact(Timeout = 10_000)]
    public async Task Moonshot_missing_reasoning_400_names_the_message_index_and_the_fix()
    {
        using var server = ServeFixture(400, "moonshot-missing-reasoning-400.json");

        var ex = await CatchAsync<KimiMissingReasoningException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(3, ex.MessageIndex);
        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal(KimiProvider.Moonshot, ex.Provider);
        Assert.Equal("thinking is enabled but reasoning_content is missing in assistant tool call message at index 3", ex.Error.Message);
        Assert.Equal("invalid_request_error", ex.Error.Type);
        Assert.Null(ex.Error.Code);
        Assert.StartsWith("Moonshot returned 400 Bad Request: thinking is enabled but reasoning_content is missing", ex.Message);
        Assert.Contains("Message 3 is an assistant tool-call turn sent without its reasoning", ex.Message);
        Assert.Contains("KimiMessage.Assistant(completion)", ex.Message);
        Assert.IsAssignableFrom<KimiBadRequestException>(ex);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_error_envelope_maps_message_and_type_to_a_bad_request()
    {
        using var server = ServeFixture(400, "moonshot-pinned-temperature-400.json");

        var ex = await CatchAsync<KimiBadRequestException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal("invalid temperature: only 0.6 is allowed for this model", ex.Error.Message);
        Assert.Equal("invalid_request_error", ex.Error.Type);
        Assert.Null(ex.Error.Code);
        Assert.Contains("invalid temperature: only 0.6 is allowed for this model [type: invalid_request_error]", ex.Message);
        Assert.Contains("fix it before retrying", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_401_with_null_code_asks_to_check_the_key_and_the_region()
    {
        using var server = ServeFixture(401, "moonshot-invalid-authentication-401.json");

        var ex = await CatchAsync<KimiAuthenticationException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Equal("Invalid Authentication", ex.Error.Message);
        Assert.Equal("invalid_authentication_error", ex.Error.Type);
        Assert.Null(ex.Error.Code);
        Assert.Contains("KimiClientOptions.ApiKey or the MOONSHOT_API_KEY environment variable", ex.Message);
        Assert.Contains("The request went to api.moonshot.ai, the international platform", ex.Message);
        Assert.Contains("KimiProvider.MoonshotChina (api.moonshot.cn)", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_403_for_balance_is_an_authentication_error()
    {
        // Constructed: the help centre documents 403 for insufficient balance, without a recorded body.
        using var server = Serve(403, """{"error":{"message":"Your account is suspended due to insufficient balance","type":"exceeded_current_quota_error"}}""");

        var ex = await CatchAsync<KimiAuthenticationException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, ex.Status);
        Assert.Equal("exceeded_current_quota_error", ex.Error.Type);
        Assert.Contains("Moonshot returned 403 Forbidden: Your account is suspended due to insufficient balance", ex.Message);
        Assert.Contains("permissions and balance", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_401_names_its_own_environment_variable()
    {
        using var server = ServeFixture(401, "deepinfra-not-authenticated-401.json");

        var ex = await CatchAsync<KimiAuthenticationException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal(KimiProvider.DeepInfra, ex.Provider);
        Assert.Equal("Not authenticated", ex.Error.Message);
        Assert.Equal("invalid_request_error", ex.Error.Type);
        Assert.Null(ex.Error.Code);
        Assert.Null(ex.Error.Param);
        Assert.Contains("DEEPINFRA_API_KEY", ex.Message);
        Assert.DoesNotContain("moonshot", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_404_is_a_model_not_found_error_that_points_at_the_model_setting()
    {
        using var server = ServeFixture(404, "moonshot-model-not-found-404.json");

        var ex = await CatchAsync<KimiModelNotFoundException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
        Assert.Equal("Not found the model kimi-k2.7 or Permission denied", ex.Error.Message);
        Assert.Equal("resource_not_found_error", ex.Error.Type);
        Assert.Contains("KimiClientOptions.Model", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_500_is_a_server_error_that_suggests_retrying()
    {
        using var server = ServeFixture(500, "moonshot-server-error-500.json");

        var ex = await CatchAsync<KimiServerException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, ex.Status);
        Assert.Equal("internal error", ex.Error.Message);
        Assert.Equal("server_error", ex.Error.Type);
        Assert.Contains("retry", ex.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Vllm", "vllm-flat-bad-request-400.json", "chat_template_kwargs.thinking must be a boolean, got \"yes\"", "self-hosted vLLM")]
    [InlineData("SGLang", "sglang-flat-bad-request-400.json", "Invalid request: messages must not be empty", "self-hosted SGLang")]
    public async Task Flat_object_error_body_keeps_its_integer_code_as_text(string providerName, string fixture, string message, string displayName)
    {
        var provider = KimiProvider.FromName(providerName);
        using var server = ServeFixture(400, fixture);

        var ex = await CatchAsync<KimiBadRequestException>(server, provider, TestContext.Current.CancellationToken);

        Assert.Equal(provider, ex.Provider);
        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal(message, ex.Error.Message);
        Assert.Equal("BadRequestError", ex.Error.Type);
        Assert.Equal("400", ex.Error.Code);
        Assert.Null(ex.Error.Param);
        Assert.StartsWith($"{displayName} returned 400 Bad Request: {message} [type: BadRequestError, code: 400].", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Vllm_error_envelope_with_param_and_string_code_is_read()
    {
        using var server = Serve(400, """{"error":{"message":"tool_choice 'none' is not supported","type":"BadRequestError","param":"tool_choice","code":"unsupported_value"}}""");

        var ex = await CatchAsync<KimiBadRequestException>(server, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("tool_choice 'none' is not supported", ex.Error.Message);
        Assert.Equal("BadRequestError", ex.Error.Type);
        Assert.Equal("unsupported_value", ex.Error.Code);
        Assert.Equal("tool_choice", ex.Error.Param);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_problem_details_429_is_a_rate_limit_with_title_and_status()
    {
        using var server = ServeFixture(429, "nvidia-too-many-requests-429.json");

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal(KimiProvider.Nvidia, ex.Provider);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Equal("Too Many Requests", ex.Error.Message);
        Assert.Equal("Too Many Requests", ex.Error.Type);
        Assert.Equal("429", ex.Error.Code);
        Assert.Null(ex.RetryAfter);
        Assert.StartsWith("NVIDIA returned 429 Too Many Requests: Too Many Requests", ex.Message);
        Assert.Contains("retry with backoff", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_function_not_found_404_is_a_model_not_found_error()
    {
        using var server = ServeFixture(404, "nvidia-function-not-found-404.json");

        var ex = await CatchAsync<KimiModelNotFoundException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
        Assert.Equal("Function '23d4…': Not found for account '…'", ex.Error.Message);
        Assert.Equal("Not Found", ex.Error.Type);
        Assert.Equal("404", ex.Error.Code);
        Assert.Contains("Function '23d4…': Not found for account '…'", ex.Message);
        Assert.Contains("KimiClientOptions.Model", ex.Message);
        Assert.Contains("NVIDIA withdraws catalog models", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_flat_validation_400_keeps_message_type_and_code()
    {
        using var server = ServeFixture(400, "nvidia-top-p-immutable-400.json");

        var ex = await CatchAsync<KimiBadRequestException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal("Validation: 'top_p' is immutable for this model and must be 0.95, got 1", ex.Error.Message);
        Assert.Equal("Bad Request", ex.Error.Type);
        Assert.Equal("400", ex.Error.Code);
        Assert.Contains("'top_p' is immutable for this model and must be 0.95, got 1 [type: Bad Request, code: 400]", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_422_validation_detail_names_the_offending_location()
    {
        using var server = ServeFixture(422, "deepinfra-validation-422.json");

        var ex = await CatchAsync<KimiBadRequestException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.Status);
        Assert.Equal("body.messages.2.role: Input should be 'system', 'user', 'assistant' or 'tool'", ex.Error.Message);
        Assert.Equal("validation_error", ex.Error.Type);
        Assert.Null(ex.Error.Code);
        Assert.StartsWith("DeepInfra returned 422 Unprocessable Entity: body.messages.2.role:", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_405_with_no_body_on_a_path_without_openai_says_to_fix_the_endpoint()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/v1/chat/completions").UsingPost()).RespondWith(Response.Create().WithStatusCode(405));
        using var client = new KimiClient(new KimiClientOptions
        {
            Provider = KimiProvider.DeepInfra,
            Endpoint = new Uri(server.Url + "/v1"), // the classic mistake: /openai left out
            ApiKey = TestClients.ApiKey,
        });

        var ex = await Assert.ThrowsAsync<KimiBadRequestException>(() => client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, ex.Status);
        Assert.Null(ex.Error.Message);
        Assert.Null(ex.Error.Type);
        Assert.Null(ex.Error.Code);
        Assert.StartsWith("DeepInfra returned 405 Method Not Allowed: (no error message in the body).", ex.Message);
        Assert.Contains("KimiClientOptions.Endpoint", ex.Message);
        Assert.Contains("https://api.deepinfra.com/v1/openai", ex.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(400, typeof(KimiBadRequestException))]
    [InlineData(401, typeof(KimiAuthenticationException))]
    [InlineData(403, typeof(KimiAuthenticationException))]
    [InlineData(404, typeof(KimiModelNotFoundException))]
    [InlineData(405, typeof(KimiBadRequestException))]
    [InlineData(422, typeof(KimiBadRequestException))]
    [InlineData(429, typeof(KimiRateLimitException))]
    [InlineData(500, typeof(KimiServerException))]
    [InlineData(502, typeof(KimiServerException))]
    [InlineData(503, typeof(KimiServerException))]
    [InlineData(504, typeof(KimiServerException))]
    public async Task Html_body_from_a_proxy_still_maps_by_status(int status, Type expected)
    {
        using var server = ServeFixture(status, "proxy-bad-gateway-502.txt");

        var ex = await CatchAsync(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.IsType(expected, ex, exactMatch: true);
        var api = (KimiApiException)ex;
        Assert.Equal((HttpStatusCode)status, api.Status);
        Assert.Contains("<title>502 Bad Gateway</title>", api.Error.Message);
        Assert.Null(api.Error.Type);
        Assert.Null(api.Error.Code);
        Assert.StartsWith($"DeepInfra returned {status} ", api.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_long_non_json_body_is_cut_to_a_readable_length()
    {
        var page = "<html><body>" + new string('x', 5_000) + "</body></html>";
        using var server = Serve(502, page, "text/html");

        var ex = await CatchAsync<KimiServerException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.NotNull(ex.Error.Message);
        Assert.True(ex.Error.Message.Length <= 501, $"message was {ex.Error.Message.Length} chars");
        Assert.EndsWith("…", ex.Error.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Errors_on_a_streaming_call_throw_the_same_exception_when_enumeration_starts()
    {
        using var server = ServeFixture(400, "moonshot-missing-reasoning-400.json");
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);
        var stream = client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<KimiMissingReasoningException>(async () =>
        {
            await foreach (var _ in stream)
            {
            }
        });

        Assert.Equal(3, ex.MessageIndex);
        Assert.False(ex.IsStreamError);
        Assert.Null(ex.PartialCompletion);
    }
}
