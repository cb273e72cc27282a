using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static Kimi.Client.Tests.Errors.ErrorReplies;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// Conformance 32 (second half): the API key never reaches an exception message, <c>ToString()</c>, the parsed provider
/// error, or a log line, even when the provider echoes it back.
/// </summary>
public class ApiKeySecrecyTests
{
    private const string Key = TestClients.ApiKey;

    /// <summary>Every error kind, each with a body that echoes the key (as providers and proxies do).</summary>
    public static TheoryData<string, KimiProvider, int, string, string> EchoingErrors => new()
    {
        { "401 incorrect key", KimiProvider.Moonshot, 401, "application/json",
            $$$"""{"error":{"message":"Incorrect API key provided: {{{Key}}}","type":"incorrect_api_key_error","code":"{{{Key}}}"}}""" },
        { "401 bearer echo", KimiProvider.DeepInfra, 401, "application/json",
            $$$"""{"error":{"message":"Not authenticated (Authorization: Bearer {{{Key}}})","type":"invalid_request_error","param":"{{{Key}}}","code":null}}""" },
        { "403 balance", KimiProvider.Moonshot, 403, "application/json",
            $$$"""{"error":{"message":"key {{{Key}}} has insufficient balance","type":"permission_denied_error:{{{Key}}}"}}""" },
        { "429 rate limit with hint", KimiProvider.Moonshot, 429, "application/json",
            $$$"""{"error":{"message":"Key {{{Key}}} reached max request: 3, please try again after 1 seconds","type":"rate_limit_reached_error"}}""" },
        { "429 problem details", KimiProvider.Nvidia, 429, "application/json",
            $$$"""{"status":429,"title":"Too Many Requests","detail":"Bearer {{{Key}}} is over its limit"}""" },
        { "400 missing reasoning", KimiProvider.Moonshot, 400, "application/json",
            $$$"""{"error":{"message":"thinking is enabled but reasoning_content is missing in assistant tool call message at index 3 (key {{{Key}}})","type":"invalid_request_error"}}""" },
        { "400 context length", KimiProvider.Moonshot, 400, "application/json",
            $$$"""{"error":{"message":"Your request exceeded model token limit : 262144 ({{{Key}}})","type":"invalid_request_error"}}""" },
        { "400 flat nvidia", KimiProvider.Nvidia, 400, "application/json",
            $$$"""{"message":"Validation: 'top_p' is immutable, key {{{Key}}}","type":"Bad Request {{{Key}}}","code":400}""" },
        { "400 flat self-hosted", KimiProvider.Vllm, 400, "application/json",
            $$$"""{"object":"error","message":"bad request from {{{Key}}}","type":"BadRequestError","param":"{{{Key}}}","code":400}""" },
        { "404 function not found", KimiProvider.Nvidia, 404, "application/json",
            $$$"""{"status":404,"title":"Not Found","detail":"Function '23d4': Not found for account '{{{Key}}}'"}""" },
        { "405 html", KimiProvider.DeepInfra, 405, "text/html",
            $"<html><body>Method Not Allowed for Authorization: Bearer {Key}</body></html>" },
        { "422 validation", KimiProvider.DeepInfra, 422, "application/json",
            $$$"""{"detail":[{"type":"literal_error","loc":["body","{{{Key}}}"],"msg":"Input {{{Key}}} is not allowed","input":"{{{Key}}}"}]}""" },
        { "500 context length", KimiProvider.DeepInfra, 500, "application/json",
            $$$"""{"error":{"message":"Requested input length 99009 exceeds maximum input length 8192 for {{{Key}}}"}}""" },
        { "502 proxy page", KimiProvider.Vllm, 502, "text/html",
            $"<html><head><title>502 Bad Gateway</title></head><body>upstream rejected Authorization: Bearer {Key}; api_key={Key}</body></html>" },
        { "202 accepted", KimiProvider.Nvidia, 202, "application/json",
            $$$"""{"reqId":"nv-1","echo":"{{{Key}}}"}""" },
        { "200 not json", KimiProvider.Moonshot, 200, "text/html",
            $"<html>login required for {Key}</html>" },
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(EchoingErrors))]
    public async Task The_key_echoed_by_a_provider_appears_in_no_exception_field_or_log_line(string scenario, KimiProvider provider, int status, string contentType, string body)
    {
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var server = Serve(status, body, contentType, ("x-request-id", "req-secret-test"));

        var ex = await CatchAsync(server, provider, TestContext.Current.CancellationToken, loggerFactory: loggerFactory);

        AssertNoKey(ex, scenario);
        AssertNoKeyInLogs(logs, scenario);
        Assert.NotEmpty(logs.Collector.GetSnapshot());
    }

    [Fact(Timeout = 10_000)]
    public async Task The_echoed_key_is_replaced_by_a_redaction_marker_so_the_message_still_reads()
    {
        using var server = Serve(401, $$$"""{"error":{"message":"Incorrect API key provided: {{{Key}}}","type":"incorrect_api_key_error"}}""");

        var ex = await CatchAsync<KimiAuthenticationException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal("Incorrect API key provided: [redacted]", ex.Error.Message);
        Assert.Contains("Incorrect API key provided: [redacted]", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Any_bearer_token_in_a_body_is_redacted_not_only_ours()
    {
        using var server = Serve(401, """{"error":{"message":"Authorization: Bearer sk-someone-elses-token was rejected"}}""");

        var ex = await CatchAsync<KimiAuthenticationException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal("Authorization: Bearer [redacted] was rejected", ex.Error.Message);
        Assert.DoesNotContain("sk-someone-elses-token", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_key_cut_in_half_by_body_truncation_leaves_no_recognisable_part()
    {
        // A long non-JSON body is cut at 500 characters; here the cut falls inside the echoed key.
        var page = "<html><body>" + new string('x', 467) + $" key={Key} rejected</body></html>";
        using var server = Serve(502, page, "text/html");

        var ex = await CatchAsync<KimiServerException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        AssertNoKey(ex, "truncated page");
        Assert.DoesNotContain(Key[..8], ex.Error.Message);
        Assert.DoesNotContain(Key[..8], ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_error_event_mid_stream_that_echoes_the_key_is_scrubbed()
    {
        var sse = Sse.Frame($$$"""
            data: {"id":"e","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null}]}
            data: {"error":{"message":"Stream failed for Bearer {{{Key}}} ({{{Key}}})","type":"server_error","code":"{{{Key}}}"}}
            """);
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var server = Serve(200, sse, "text/event-stream");
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!, loggerFactory: loggerFactory);

        var ex = await Assert.ThrowsAnyAsync<KimiApiException>(async () =>
        {
            await foreach (var _ in client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.True(ex.IsStreamError);
        AssertNoKey(ex, "stream error event");
        AssertNoKeyInLogs(logs, "stream error event");
    }

    [Fact(Timeout = 10_000)]
    public async Task Client_and_options_ToString_never_show_the_key()
    {
        var options = TestClients.Options(KimiProvider.DeepInfra, "http://127.0.0.1:9");
        using var client = await Task.Run(() => new KimiClient(options), TestContext.Current.CancellationToken);

        Assert.DoesNotContain(Key, options.ToString());
        Assert.Contains("ApiKey=(set)", options.ToString());
        Assert.DoesNotContain(Key, client.ToString());
        Assert.Contains("DeepInfra", client.ToString());
    }

    [Fact(Timeout = 10_000)]
    public async Task A_successful_call_logs_nothing_that_contains_the_key()
    {
        using var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        using var server = Serve(200, """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}""");
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!, loggerFactory: loggerFactory);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Temperature = 0.5f }, TestContext.Current.CancellationToken);

        Assert.NotEmpty(logs.Collector.GetSnapshot());
        AssertNoKeyInLogs(logs, "success");
    }

    private static void AssertNoKey(KimiException ex, string scenario)
    {
        var texts = new List<string?> { ex.Message, ex.ToString(), ex.RequestId };
        if (ex is KimiApiException api)
        {
            texts.AddRange([api.Error.Message, api.Error.Type, api.Error.Code, api.Error.Param, api.Error.ToString()]);
        }

        if (ex.PartialCompletion is { } partial)
        {
            texts.Add(partial.ToString());
        }

        foreach (var text in texts)
        {
            Assert.False(text?.Contains(Key, StringComparison.Ordinal) == true, $"{scenario}: the key leaked into \"{text}\"");
        }
    }

    private static void AssertNoKeyInLogs(FakeLoggerProvider logs, string scenario)
    {
        foreach (var record in logs.Collector.GetSnapshot())
        {
            Assert.DoesNotContain(Key, record.Message);
            Assert.False(record.Exception?.ToString().Contains(Key, StringComparison.Ordinal) == true, $"{scenario}: the key leaked into a logged exception");
            foreach (var pair in record.StructuredState ?? [])
            {
                Assert.False(pair.Value?.Contains(Key, StringComparison.Ordinal) == true, $"{scenario}: the key leaked into log field {pair.Key}");
            }
        }
    }
}
