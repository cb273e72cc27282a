using System.Globalization;
using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Resilience;
using Microsoft.AspNetCore.Http;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Providers;

/// <summary>
/// OpenRouter's errors (conformance 35), over real sockets: the upstream's error unwrapped from <c>metadata.raw</c> (string, JSON
/// string or object), Moonshot's missing-reasoning 400 as the same typed error, errors in a 200 body retried like their status,
/// 402 on its own, availability errors deciding the retry over the status, and the retry-hint order with its cap. Waits run on a
/// fake clock moved forward in the background.
/// </summary>
public class OpenRouterErrorTests
{
    private static KimiProvider OpenRouter => KimiProvider.OpenRouter;

    private static string Fixture(string name) => Fixtures.Text($"Providers/Fixtures/{name}");

    private static Func<HttpContext, Task> Ok200Json(string body) => Json(200, body);

    private static async Task<(T Exception, int Requests)> FailAsync<T>(Func<HttpContext, Task> reply, bool stream, CancellationToken cancellationToken, int attempts = 3)
        where T : Exception
    {
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(reply);
        using var client = new KimiClient(server.Options(OpenRouter, attempts), timeProvider: clock.Time);
        var exception = await Assert.ThrowsAsync<T>(() => stream ? StreamAsync(client, cancellationToken) : client.CompleteAsync("Hello", cancellationToken: cancellationToken));
        return (exception, server.Requests);
    }

    private static async Task<(ChatCompletion Completion, int Requests, TimeSpan Waited)> RetriedAsync(Func<HttpContext, Task> first, CancellationToken cancellationToken)
    {
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(first, Ok);
        using var client = new KimiClient(server.Options(OpenRouter), timeProvider: clock.Time);
        var started = clock.Time.GetUtcNow();
        var completion = await StreamAsync(client, cancellationToken);
        return (completion, server.Requests, clock.Time.GetUtcNow() - started);
    }

    private static string Wrapped(int code, string raw, string extraMetadata = "") =>
        $$$"""{"error":{"message":"Provider returned error","code":{{{code}}},"metadata":{"raw":{{{raw}}},"provider_name":"Kluster"{{{extraMetadata}}}}},"user_id":"u"}""";

    // 35: the recorded wrapped 400 (gptme/gptme#1181)
    [Theory(Timeout = 20_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Moonshot_missing_reasoning_through_OpenRouter_is_the_same_typed_error_and_not_retried(bool stream)
    {
        var (ex, requests) = await FailAsync<KimiMissingReasoningException>(Json(400, Fixture("openrouter-missing-reasoning-400.json")), stream, TestContext.Current.CancellationToken);

        Assert.Equal(11, ex.MessageIndex);
        Assert.Equal(HttpStatusCode.BadRequest, ex.Status);
        Assert.Equal("thinking is enabled but reasoning_content is missing in assistant tool call message at index 11", ex.Error.Message);
        Assert.Equal("invalid_request_error", ex.Error.Type);
        Assert.Equal("Moonshot AI", ex.Error.UpstreamProvider);
        Assert.Equal("Provider returned error", ex.Error.GatewayMessage);
        Assert.Equal("""{"error":{"message":"thinking is enabled but reasoning_content is missing in assistant tool call message at index 11","type":"invalid_request_error"}}""", ex.Error.RawUpstreamError);
        Assert.Contains("from the upstream Moonshot AI", ex.Message);
        Assert.Equal(1, requests);
    }

    // 35
    [Theory(Timeout = 20_000)]
    [InlineData("\"error code: 1015\"", "error code: 1015")]
    [InlineData("{\"error\":{\"message\":\"Invalid API key provided\"}}", "Invalid API key provided")]
    [InlineData("\"{\\\"error\\\":{\\\"message\\\":\\\"Invalid API key provided\\\"}}\"", "Invalid API key provided")]
    public async Task Raw_as_plain_text_as_an_object_or_as_a_JSON_string_gives_the_upstream_message(string raw, string expected)
    {
        var (ex, _) = await FailAsync<KimiBadRequestException>(Json(400, Wrapped(400, raw)), stream: false, TestContext.Current.CancellationToken, attempts: 1);

        Assert.Equal(expected, ex.Error.Message);
        Assert.Equal("Kluster", ex.Error.UpstreamProvider);
        Assert.Equal("Provider returned error", ex.Error.GatewayMessage);
    }

    // 35: never a successful empty result, and retried as a 429 would be
    [Theory(Timeout = 20_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_200_with_an_error_body_is_the_same_exception_as_that_status_and_retried_like_it(bool stream)
    {
        var body = Fixture("openrouter-rate-limited-in-200.json");

        var (in200, requestsIn200) = await FailAsync<KimiRateLimitException>(Ok200Json(body), stream, TestContext.Current.CancellationToken);
        var (as429, requestsAs429) = await FailAsync<KimiRateLimitException>(Json(429, body), stream, TestContext.Current.CancellationToken);

        Assert.Equal(as429.GetType(), in200.GetType());
        Assert.Equal(HttpStatusCode.TooManyRequests, in200.Status);
        Assert.Equal(as429.Status, in200.Status);
        Assert.Equal("error code: 1015", in200.Error.Message);
        Assert.Equal(as429.Error.Message, in200.Error.Message);
        Assert.Equal("Kluster", in200.Error.UpstreamProvider);
        Assert.Equal(3, requestsIn200); // retried like a 429
        Assert.Equal(requestsAs429, requestsIn200);
        Assert.Null(in200.PartialCompletion);
        Assert.All(in200.Attempts, a => Assert.Equal(HttpStatusCode.TooManyRequests, a.Status));
    }

    // 35: the recorded 402 (Gitlawb/openclaude#1125)
    [Fact(Timeout = 20_000)]
    public async Task A_402_is_its_own_insufficient_credits_error_with_the_message_verbatim_and_not_retried()
    {
        var (ex, requests) = await FailAsync<KimiInsufficientCreditsException>(Json(402, Fixture("openrouter-insufficient-credits-402.json")), stream: false, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.PaymentRequired, ex.Status);
        Assert.Equal(
            "This request requires more credits, or fewer max_tokens. You requested up to 32000 tokens, but can only afford 27342. To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account",
            ex.Error.Message);
        Assert.Contains("402 Payment Required", ex.Message);
        Assert.Contains("lower MaxOutputTokens", ex.Message);
        Assert.Equal(1, requests);
    }

    // 35: availability errors
    [Fact(Timeout = 20_000)]
    public async Task A_privacy_restricted_404_reads_its_status_from_http_status_and_its_availability_and_is_not_retried()
    {
        var (ex, requests) = await FailAsync<KimiModelNotFoundException>(Json(404, Fixture("openrouter-privacy-restricted-404.json")), stream: false, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
        Assert.Equal("404", ex.Error.Code); // no code in the body: http_status
        Assert.Equal("privacy_restricted", ex.Error.AvailabilityCode);
        Assert.Equal(["data_policy:zdr"], ex.Error.ExcludedBy);
        Assert.False(ex.Error.IsRetryable);
        Assert.Equal("not_found", ex.Error.ErrorType);
        Assert.Equal(1, requests);
    }

    // 35: availability.retryable decides, whatever the status
    [Theory(Timeout = 20_000)]
    [InlineData(503, true, 2)]
    [InlineData(400, true, 2)]
    [InlineData(404, true, 2)]
    [InlineData(503, false, 1)]
    [InlineData(429, false, 1)]
    public async Task Availability_retryable_wins_over_the_status(int status, bool retryable, int expectedRequests)
    {
        var body = """{"error":{"message":"Temporarily unavailable","code":""" + status + ""","availability":{"code":"temporarily_unavailable","retryable":""" +
                   (retryable ? "true" : "false") + "}}}";
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(Json(status, body), Ok);
        using var client = new KimiClient(server.Options(OpenRouter), timeProvider: clock.Time);

        if (retryable)
        {
            var completion = await StreamAsync(client, TestContext.Current.CancellationToken);
            Assert.Equal("Hello", completion.Text);
        }
        else
        {
            var ex = await Assert.ThrowsAnyAsync<KimiApiException>(() => StreamAsync(client, TestContext.Current.CancellationToken));
            Assert.Equal(status, (int)ex.Status);
            Assert.Equal("temporarily_unavailable", ex.Error.AvailabilityCode);
        }

        Assert.Equal(expectedRequests, server.Requests);
    }

    // 35: the hint order and the cap
    [Theory(Timeout = 20_000)]
    [InlineData("17", null, null, 17)]
    [InlineData(null, 40, null, 40)]
    [InlineData(null, null, 11, 11)]
    [InlineData("17", 40, 11, 17)]
    [InlineData(null, 40, 11, 40)]
    [InlineData(null, 600, null, 60)]
    [InlineData("600", null, null, 60)]
    public async Task Retry_After_then_availability_then_metadata_seconds_and_a_hint_over_the_cap_waits_the_cap(string? header, int? availability, int? metadataSeconds, int expectedSeconds)
    {
        var metadata = metadataSeconds is { } m ? $",\"retry_after_seconds\":{m}" : string.Empty;
        var available = availability is { } a ? $",\"availability\":{{\"code\":\"capacity_exhausted\",\"retryable\":true,\"retry_after\":{a}}}" : string.Empty;
        var body = $$"""{"error":{"message":"Provider returned error","code":429,"metadata":{"raw":"slow down","provider_name":"Moonshot AI"{{metadata}}}{{available}}},"user_id":"u"}""";
        var headers = header is null ? [] : new[] { ("Retry-After", header) };

        var (completion, requests, waited) = await RetriedAsync(Json(429, body, headers), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        Assert.Equal(2, requests);
        Assert.Contains($"retrying after {expectedSeconds} s (Retry-After)", completion.Attempts[0].Detail);
        Assert.True(waited >= TimeSpan.FromSeconds(expectedSeconds), $"waited {waited}");
    }

    // 35
    [Fact(Timeout = 20_000)]
    public async Task Without_any_hint_it_backs_off_and_an_http_date_is_honoured_the_same_way()
    {
        var body = Wrapped(429, "\"slow down\"");
        var (backedOff, _, _) = await RetriedAsync(Json(429, body), TestContext.Current.CancellationToken);

        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(
            context => Json(429, body, ("Retry-After", clock.Time.GetUtcNow().AddSeconds(30).ToString("R", CultureInfo.InvariantCulture)))(context), Ok);
        using var client = new KimiClient(server.Options(OpenRouter), timeProvider: clock.Time);
        var started = clock.Time.GetUtcNow();
        var dated = await StreamAsync(client, TestContext.Current.CancellationToken);

        Assert.DoesNotContain("Retry-After", backedOff.Attempts[0].Detail);
        Assert.Contains("(Retry-After)", dated.Attempts[0].Detail);
        Assert.True(clock.Time.GetUtcNow() - started >= TimeSpan.FromSeconds(25));
    }

    // 35: the recorded Venice log, with only the metadata hints
    [Fact(Timeout = 20_000)]
    public async Task The_recorded_retry_after_seconds_is_read_from_the_metadata()
    {
        var (completion, requests, _) = await RetriedAsync(Json(429, Fixture("openrouter-venice-429-retry-after-seconds.json")), TestContext.Current.CancellationToken);

        Assert.Equal(2, requests);
        Assert.Contains("retrying after 17 s (Retry-After)", completion.Attempts[0].Detail);
    }

    // 35
    [Theory(Timeout = 20_000)]
    [InlineData(408, true)]
    [InlineData(429, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(524, true)]
    [InlineData(529, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(402, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    public async Task Statuses_are_retried_or_not_as_documented(int status, bool retried)
    {
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(Json(status, $$$"""{"error":{"code":{{{status}}},"message":"status {{{status}}}"}}"""), Ok);
        using var client = new KimiClient(server.Options(OpenRouter), timeProvider: clock.Time);

        if (retried)
        {
            Assert.Equal("Hello", (await StreamAsync(client, TestContext.Current.CancellationToken)).Text);
            Assert.Equal(2, server.Requests);
        }
        else
        {
            var ex = await Assert.ThrowsAnyAsync<KimiApiException>(() => StreamAsync(client, TestContext.Current.CancellationToken));
            Assert.Equal(status, (int)ex.Status);
            Assert.Equal(1, server.Requests);
        }
    }

    // 35
    [Fact(Timeout = 20_000)]
    public async Task Error_type_and_provider_code_are_exposed()
    {
        var body = """{"error":{"code":503,"message":"Provider returned error","metadata":{"error_type":"provider_overloaded","provider_code":"engine_overloaded_error","raw":"busy","provider_name":"Moonshot AI"}}}""";

        var (ex, requests) = await FailAsync<KimiServerException>(Json(503, body), stream: false, TestContext.Current.CancellationToken, attempts: 2);

        Assert.Equal("provider_overloaded", ex.Error.ErrorType);
        Assert.Equal("engine_overloaded_error", ex.Error.ProviderCode);
        Assert.Equal("busy", ex.Error.Message);
        Assert.Equal(2, requests);
    }

    // 35 and 44: a key echoed in metadata.raw never leaves the library
    [Fact(Timeout = 20_000)]
    public async Task A_key_echoed_in_metadata_raw_is_scrubbed_from_the_error()
    {
        var echo = """{"error":{"message":"Provider returned error","code":401,"metadata":{"raw":"{\"error\":{\"message\":\"bad key """ + TestClients.ApiKey +
                   """\"}}","provider_name":"Moonshot AI"}}}""";

        var (ex, _) = await FailAsync<KimiAuthenticationException>(Json(401, echo), stream: false, TestContext.Current.CancellationToken);

        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString());
        Assert.DoesNotContain(TestClients.ApiKey, ex.Error.Message);
        Assert.DoesNotContain(TestClients.ApiKey, ex.Error.RawUpstreamError);
        Assert.Contains("OpenRouter keys start with sk-or-v1-", ex.Message);
    }
}
