using System.Net;
using static Kimi.Client.Tests.Errors.ErrorReplies;

namespace Kimi.Client.Tests.Errors;

/// <summary>Conformance 30: every provider's way of saying "too long" becomes <see cref="KimiContextLengthExceededException"/>.</summary>
public class ContextLengthTests
{
    [Fact(Timeout = 10_000)]
    public async Task Moonshot_token_limit_400_is_context_length_exceeded()
    {
        using var server = ServeFixture(400, "moonshot-token-limit-400.json");

        var ex = await CatchAsync<KimiContextLengthExceededException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal("Your request exceeded model token limit : 262144", ex.Error.Message);
        Assert.Equal("invalid_request_error", ex.Error.Type);
        Assert.Contains("shorten or summarize the history, or lower MaxOutputTokens", ex.Message);
        Assert.Contains("262,144 tokens", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Vllm_maximum_context_length_message_is_context_length_exceeded()
    {
        using var server = ServeFixture(400, "vllm-max-context-length-400.json");

        var ex = await CatchAsync<KimiContextLengthExceededException>(server, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal(KimiProvider.Vllm, ex.Provider);
        Assert.Equal("This model's maximum context length is 32768 tokens. However, you requested 39197 tokens …", ex.Error.Message);
        Assert.Equal("BadRequestError", ex.Error.Type);
        Assert.Equal("400", ex.Error.Code);
        Assert.Null(ex.Error.Param);
    }

    [Fact(Timeout = 10_000)]
    public async Task Vllm_context_length_exceeded_code_is_recognised_whatever_the_message()
    {
        using var server = ServeFixture(400, "vllm-context-length-code-400.json");

        var ex = await CatchAsync<KimiContextLengthExceededException>(server, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("context_length_exceeded", ex.Error.Code);
        Assert.Equal("messages", ex.Error.Param);
        Assert.Contains("[type: BadRequestError, code: context_length_exceeded]", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task SGLang_flat_body_with_maximum_context_length_is_context_length_exceeded()
    {
        using var server = Serve(400, """{"object":"error","message":"Requested token count exceeds the model's maximum context length of 262144 tokens.","type":"BadRequestError","param":null,"code":400}""");

        var ex = await CatchAsync<KimiContextLengthExceededException>(server, KimiProvider.SGLang, TestContext.Current.CancellationToken);

        Assert.Equal("400", ex.Error.Code);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_500_requested_input_length_is_context_length_exceeded_not_a_server_error()
    {
        using var server = ServeFixture(500, "deepinfra-input-too-long-500.json");

        var ex = await CatchAsync<KimiContextLengthExceededException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.InternalServerError, ex.Status);
        Assert.Equal("Requested input length 99009 exceeds maximum input length 8192", ex.Error.Message);
        Assert.Null(ex.Error.Type);
        Assert.StartsWith("DeepInfra returned 500 Internal Server Error: Requested input length 99009 exceeds maximum input length 8192.", ex.Message);
        Assert.IsNotType<KimiServerException>(ex, exactMatch: false);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_input_token_length_too_long_is_context_length_exceeded()
    {
        using var server = Serve(400, """{"error":{"message":"Input token length too long","type":"invalid_request_error"}}""");

        await CatchAsync<KimiContextLengthExceededException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_ordinary_400_is_not_mistaken_for_context_overflow()
    {
        using var server = ServeFixture(400, "nvidia-top-p-immutable-400.json");

        await CatchAsync<KimiBadRequestException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);
    }
}
