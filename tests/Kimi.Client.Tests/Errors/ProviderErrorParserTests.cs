using System.Text;
using Kimi.Client.Errors;

namespace Kimi.Client.Tests.Errors;

/// <summary>Unit tests of <see cref="ProviderErrorParser"/> for shapes and edge cases the HTTP tests do not reach.</summary>
public class ProviderErrorParserTests
{
    private static Task<KimiProviderError> ParseAsync(string body, CancellationToken cancellationToken) =>
        Task.Run(() => ProviderErrorParser.Parse(Encoding.UTF8.GetBytes(body)), cancellationToken);

    [Theory(Timeout = 10_000)]
    [InlineData("""{"error":{"message":"m","type":"t","code":null}}""", "m", "t", null, null)]
    [InlineData("""{"error":{"message":"m","type":"BadRequestError","param":"messages","code":400}}""", "m", "BadRequestError", "400", "messages")]
    [InlineData("""{"object":"error","message":"m","type":"BadRequestError","param":null,"code":400}""", "m", "BadRequestError", "400", null)]
    [InlineData("""{"status":429,"title":"Too Many Requests"}""", "Too Many Requests", "Too Many Requests", "429", null)]
    [InlineData("""{"message":"Validation: 'top_p' is immutable","type":"Bad Request","code":400}""", "Validation: 'top_p' is immutable", "Bad Request", "400", null)]
    [InlineData("""{"detail":[{"loc":["body","messages",2],"msg":"bad"},{"loc":["body","model"],"msg":"missing"}]}""", "body.messages.2: bad; body.model: missing", "validation_error", null, null)]
    [InlineData("""{"detail":"Not Found"}""", "Not Found", null, null, null)]
    [InlineData("""{"error":"Model busy"}""", "Model busy", null, null, null)]
    [InlineData("""{"error_type":"validation_error","error_message":"{\"error\":{\"message\":\"bad\"}}"}""", "bad", "validation_error", null, null)]
    [InlineData("""{"error_type":"server_error","error_message":"plain text"}""", "plain text", "server_error", null, null)]
    public async Task Each_shape_yields_message_type_code_and_param(string body, string? message, string? type, string? code, string? param)
    {
        var error = await ParseAsync(body, TestContext.Current.CancellationToken);

        Assert.Equal(message, error.Message);
        Assert.Equal(type, error.Type);
        Assert.Equal(code, error.Code);
        Assert.Equal(param, error.Param);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("")]
    [InlineData("  \r\n")]
    public async Task An_empty_body_has_no_message(string body)
    {
        var error = await ParseAsync(body, TestContext.Current.CancellationToken);

        Assert.Null(error.Message);
        Assert.Null(error.Type);
        Assert.Null(error.Code);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("<html><body>Bad Gateway</body></html>")]
    [InlineData("upstream connect error or disconnect/reset before headers")]
    [InlineData("""{"unexpected":true}""")]
    [InlineData("[1,2,3]")]
    public async Task Anything_else_is_kept_as_text(string body)
    {
        var error = await ParseAsync(body, TestContext.Current.CancellationToken);

        Assert.Equal(body, error.Message);
        Assert.Null(error.Type);
    }
}
