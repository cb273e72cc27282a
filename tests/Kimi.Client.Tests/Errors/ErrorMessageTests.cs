using System.Net;
using static Kimi.Client.Tests.Errors.ErrorReplies;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// What an error message says, over real HTTP: the status with its reason phrase, the provider's type and code, the upstream
/// a router relayed the error from (and the router's own words), and the advice that names the setting to change.
/// </summary>
public class ErrorMessageTests
{
    [Theory(Timeout = 10_000)]
    [InlineData(401, """{"error":{"message":"Not authenticated","code":"auth"}}""", "DeepInfra returned 401 Unauthorized: Not authenticated [code: auth]. ")]
    [InlineData(404, """{"error":{"message":"No model","type":"not_found","code":"model"}}""", "DeepInfra returned 404 Not Found: No model [type: not_found, code: model]. ")]
    [InlineData(502, """{"error":{"message":"Upstream down","type":"server_error"}}""", "DeepInfra returned 502 Bad Gateway: Upstream down [type: server_error]. ")]
    [InlineData(503, """{"error":{"message":"Busy."}}""", "DeepInfra returned 503 Service Unavailable: Busy. ")]
    [InlineData(504, """{"error":{"message":"Slow","code":504}}""", "DeepInfra returned 504 Gateway Timeout: Slow [code: 504]. ")]
    public async Task The_message_starts_with_the_status_its_reason_and_the_providers_type_and_code(int status, string body, string start)
    {
        using var server = Serve(status, body);

        var exception = Assert.IsAssignableFrom<KimiApiException>(await CatchAsync(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken));

        Assert.Equal((HttpStatusCode)status, exception.Status);
        Assert.StartsWith(start, exception.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(
        """{"error":{"message":"Provider returned error","code":400,"metadata":{"raw":"{\"error\":{\"message\":\"Invalid request: tokenization failed\"}}","provider_name":"Kluster"}}}""",
        "OpenRouter returned 400 Bad Request: Invalid request: tokenization failed [code: 400] (from the upstream Kluster; OpenRouter said: Provider returned error). ")]
    [InlineData(
        """{"error":{"message":"Upstream refused the request.","code":400,"metadata":{"provider_name":"Kluster"}}}""",
        "OpenRouter returned 400 Bad Request: Upstream refused the request [code: 400] (from the upstream Kluster). ")]
    public async Task A_relayed_error_names_the_upstream_and_what_the_router_said(string body, string start)
    {
        using var server = Serve(400, body);

        var exception = await CatchAsync<KimiBadRequestException>(server, KimiProvider.OpenRouter, TestContext.Current.CancellationToken);

        Assert.Equal("Kluster", exception.Error.UpstreamProvider);
        Assert.StartsWith(start, exception.Message, StringComparison.Ordinal);
    }

    // Ollama's daemon takes no key variable: the advice names the option alone, then the host's sign-in hint.
    [Fact(Timeout = 10_000)]
    public async Task A_host_without_a_key_variable_is_told_to_check_KimiClientOptions_ApiKey_then_its_hint()
    {
        using var server = Serve(401, """{"error":"unauthorized","signin_url":"https://ollama.com/connect?name=box"}""");

        var exception = await CatchAsync<KimiAuthenticationException>(server, KimiProvider.Ollama, TestContext.Current.CancellationToken);

        Assert.Contains(
            ". Check the API key (KimiClientOptions.ApiKey), and the account's permissions and balance. Cloud models such as kimi-k2.6:cloud need the local Ollama daemon to be signed in",
            exception.Message,
            StringComparison.Ordinal);
        Assert.Equal("https://ollama.com/connect?name=box", exception.Error.Details!["signin_url"]);
    }
}
