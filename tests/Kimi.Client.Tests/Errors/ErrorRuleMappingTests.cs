using System.Net;
using Kimi.Client.Errors;
using Kimi.Client.Tests.Streaming;
using static Kimi.Client.Tests.Errors.ErrorReplies;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// A host's <see cref="KimiErrorRule"/>s decide the exception, over real HTTP and mid-stream: each kind becomes its typed
/// exception, flagged <see cref="KimiApiException.IsStreamError"/> when it came mid-stream, with the rule's advice or else the
/// kind's own advice naming what to do; a rule's status stands in only where the response's own status does not say.
/// </summary>
public class ErrorRuleMappingTests
{
    private const string Partial = """data: {"id":"e","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null}]}""";

    /// <summary>Moonshot with one host rule for the error code <c>host_code</c>.</summary>
    private static KimiProvider Host(KimiErrorKind? kind, string? advice = null, int? status = null) =>
        KimiProvider.Moonshot with { ErrorRules = [new KimiErrorRule { Code = "host_code", Kind = kind, Advice = advice, Status = status }] };

    /// <summary>Moonshot reading errors with Cloudflare's rules (its v4 codes, their statuses and advice).</summary>
    private static KimiProvider WithCloudflareRules => KimiProvider.Moonshot with { ErrorRules = KimiProvider.CloudflareWorkersAI.ErrorRules };

    private static async Task<KimiApiException> FailMidStreamAsync(KimiProvider provider, string errorFrame, CancellationToken cancellationToken)
    {
        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiApiException>(
            StreamReplay.Lines(Partial, "data: " + errorFrame, "data: [DONE]"), provider, cancellationToken);
        Assert.Equal("Partial", Assert.Single(updates).ContentDelta);
        Assert.True(exception.IsStreamError);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
        Assert.Contains("Moonshot sent an error event mid-stream: Host said no", exception.Message, StringComparison.Ordinal);
        return exception;
    }

    [Theory(Timeout = 20_000)]
    [InlineData(KimiErrorKind.Authentication, typeof(KimiAuthenticationException), "Check the API key (KimiClientOptions.ApiKey or the MOONSHOT_API_KEY environment variable)")]
    [InlineData(KimiErrorKind.InsufficientCredits, typeof(KimiInsufficientCreditsException), "it was not retried. Add credits or raise the key's limit at Moonshot, or lower MaxOutputTokens")]
    [InlineData(KimiErrorKind.RateLimit, typeof(KimiRateLimitException), "Rate limited or overloaded: retry with backoff, lower concurrency")]
    [InlineData(KimiErrorKind.QuotaExceeded, typeof(KimiQuotaExceededException), "so the call was not retried. Wait for it to reset")]
    [InlineData(KimiErrorKind.ModelNotFound, typeof(KimiBadRequestException), "fix it before retrying")] // mid-stream the model was found
    [InlineData(KimiErrorKind.Server, typeof(KimiServerException), "retry, or fail over to another provider")]
    [InlineData(KimiErrorKind.BadRequest, typeof(KimiBadRequestException), "fix it before retrying")]
    public async Task A_host_rule_decides_the_exception_mid_stream_with_its_own_advice_or_the_kinds(KimiErrorKind kind, Type expected, string kindAdvice)
    {
        const string Frame = """{"error":{"message":"Host said no","type":"host_error","code":"host_code"}}""";
        const string RuleAdvice = "Do the host-specific thing.";

        var withoutAdvice = await FailMidStreamAsync(Host(kind), Frame, TestContext.Current.CancellationToken);
        var withAdvice = await FailMidStreamAsync(Host(kind, RuleAdvice), Frame, TestContext.Current.CancellationToken);

        Assert.IsType(expected, withoutAdvice, exactMatch: true);
        Assert.IsType(expected, withAdvice, exactMatch: true);
        Assert.Contains(kindAdvice, withoutAdvice.Message, StringComparison.Ordinal);
        Assert.Contains(RuleAdvice, withAdvice.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(kindAdvice, withAdvice.Message, StringComparison.Ordinal);
        Assert.Equal("host_code", withAdvice.Error.Code);
    }

    [Theory(Timeout = 20_000)]
    [InlineData(402, typeof(KimiInsufficientCreditsException), "Add credits or raise the key's limit at Moonshot")]
    [InlineData(202, typeof(KimiApiException), "polling is not supported. Quote request id (none) to the provider")]
    [InlineData(302, typeof(KimiApiException), "Unexpected status from the provider.")]
    public async Task A_host_rule_status_without_a_kind_maps_mid_stream_like_that_status(int status, Type expected, string advice)
    {
        var exception = await FailMidStreamAsync(
            Host(kind: null, status: status), """{"error":{"message":"Host said no","type":"host_error","code":"host_code"}}""", TestContext.Current.CancellationToken);

        Assert.IsType(expected, exception, exactMatch: true);
        Assert.Equal((HttpStatusCode)status, exception.Status);
        Assert.Contains(advice, exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_numeric_402_mid_stream_is_an_insufficient_credits_error_flagged_as_a_stream_error()
    {
        var exception = await FailMidStreamAsync(KimiProvider.Moonshot, """{"error":{"message":"Host said no","type":"payment_error","code":402}}""", TestContext.Current.CancellationToken);

        Assert.IsType<KimiInsufficientCreditsException>(exception, exactMatch: true);
        Assert.Equal(HttpStatusCode.PaymentRequired, exception.Status);
        Assert.Contains("it was not retried. Add credits", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_rate_limit_rule_takes_the_wait_from_the_header_else_the_body_else_the_message()
    {
        const string Body = """{"error":{"message":"Busy, please try again after 7 seconds","type":"host_error","code":"host_code"}}""";
        const string BodyWithHint = """{"error":{"message":"Busy, please try again after 7 seconds","code":"host_code","availability":{"retry_after":9}}}""";

        using var fromHeader = Serve(429, Body, "application/json", ("Retry-After", "3"));
        using var fromBody = Serve(429, BodyWithHint);
        using var fromMessage = Serve(429, Body);

        var header = await CatchAsync<KimiRateLimitException>(fromHeader, Host(KimiErrorKind.RateLimit), TestContext.Current.CancellationToken);
        var body = await CatchAsync<KimiRateLimitException>(fromBody, Host(KimiErrorKind.RateLimit), TestContext.Current.CancellationToken);
        var message = await CatchAsync<KimiRateLimitException>(fromMessage, Host(KimiErrorKind.RateLimit), TestContext.Current.CancellationToken);
        var midStream = await FailMidStreamAsync(
            Host(KimiErrorKind.RateLimit), """{"error":{"message":"Host said no, please try again after 7 seconds","code":"host_code"}}""", TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(3), header.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(9), body.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(7), message.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.IsType<KimiRateLimitException>(midStream, exactMatch: true).RetryAfter);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_model_not_found_rule_on_an_http_error_names_the_model_setting_and_the_hosts_hint_or_the_rules_advice()
    {
        const string Body = """{"error":{"message":"No such model","code":"host_code"}}""";
        using var server = Serve(400, Body);

        var plain = await CatchAsync<KimiModelNotFoundException>(server, Host(KimiErrorKind.ModelNotFound), TestContext.Current.CancellationToken);
        var hinted = await CatchAsync<KimiModelNotFoundException>(
            server, Host(KimiErrorKind.ModelNotFound) with { ModelNotFoundHint = "Kimi K2.6 is 'kimi-k2.6' here." }, TestContext.Current.CancellationToken);
        var advised = await CatchAsync<KimiModelNotFoundException>(server, Host(KimiErrorKind.ModelNotFound, "Use the catalog id."), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, plain.Status);
        Assert.False(plain.IsStreamError);
        Assert.EndsWith("check KimiClientOptions.Model.", plain.Message, StringComparison.Ordinal);
        Assert.EndsWith("check KimiClientOptions.Model. Kimi K2.6 is 'kimi-k2.6' here.", hinted.Message, StringComparison.Ordinal);
        Assert.EndsWith(". Use the catalog id.", advised.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("KimiClientOptions.Model", advised.Message, StringComparison.Ordinal);
    }

    [Theory(Timeout = 20_000)]
    [InlineData(500, 3040, typeof(KimiRateLimitException), "out of capacity for Kimi K2.6 right now (code 3040): retried with backoff")]
    [InlineData(400, 7003, typeof(KimiBadRequestException), "the account id in it ('(unset)') is wrong. Set AccountId")]
    [InlineData(429, 3036, typeof(KimiQuotaExceededException), "it resets at 00:00 UTC, so the call was not retried")]
    [InlineData(401, 5035, typeof(KimiAuthenticationException), "Kimi K2.6 needs the Workers Paid plan since 2026-07-28")]
    public async Task An_http_error_keeps_its_own_status_when_a_host_rule_names_another(int status, int code, Type expected, string advice)
    {
        using var server = Serve(status, $$"""{"result":null,"success":false,"errors":[{"code":{{code}},"message":"Host said no"}],"messages":[]}""");

        var exception = Assert.IsAssignableFrom<KimiApiException>(await CatchAsync(server, WithCloudflareRules, TestContext.Current.CancellationToken));

        Assert.IsType(expected, exception, exactMatch: true);
        Assert.Equal((HttpStatusCode)status, exception.Status);
        Assert.False(exception.IsStreamError);
        Assert.Contains(advice, exception.Message, StringComparison.Ordinal);
    }

    // The transport turns a 2xx status into the one the error stands for before it gets here; the factory does the same itself.
    [Theory]
    [InlineData("3040", typeof(KimiRateLimitException), HttpStatusCode.TooManyRequests)]
    [InlineData("7003", typeof(KimiBadRequestException), HttpStatusCode.NotFound)]
    [InlineData("3007", typeof(KimiServerException), HttpStatusCode.RequestTimeout)]
    public void An_error_in_a_200_body_takes_the_status_its_code_stands_for(string code, Type expected, HttpStatusCode status)
    {
        var exception = KimiErrorFactory.Create(WithCloudflareRules, HttpStatusCode.OK, new KimiProviderError("Host said no", code: code), requestId: null, retryAfterHeader: null, SecretScrubber.None);

        Assert.IsType(expected, exception, exactMatch: true);
        Assert.Equal(status, exception.Status);
        Assert.False(exception.IsStreamError);
    }

    // OpenRouter's stable categories decide when the code is text ("server_error" beside metadata.error_type).
    [Theory(Timeout = 20_000)]
    [InlineData("rate_limit_exceeded", typeof(KimiRateLimitException), HttpStatusCode.TooManyRequests)]
    [InlineData("provider_overloaded", typeof(KimiRateLimitException), HttpStatusCode.TooManyRequests)]
    [InlineData("invalid_prompt", typeof(KimiBadRequestException), HttpStatusCode.BadRequest)]
    [InlineData("context_length_exceeded", typeof(KimiContextLengthExceededException), HttpStatusCode.BadRequest)]
    [InlineData("provider_unavailable", typeof(KimiServerException), HttpStatusCode.BadGateway)]
    [InlineData("server", typeof(KimiServerException), HttpStatusCode.InternalServerError)]
    public async Task A_router_error_category_mid_stream_maps_to_its_status(string errorType, Type expected, HttpStatusCode status)
    {
        var exception = await FailMidStreamAsync(
            KimiProvider.Moonshot,
            """{"error":{"message":"Host said no","code":"server_error","metadata":{"error_type":"ERROR_TYPE","provider_name":"Moonshot AI"}}}""".Replace("ERROR_TYPE", errorType, StringComparison.Ordinal),
            TestContext.Current.CancellationToken);

        Assert.IsType(expected, exception, exactMatch: true);
        Assert.Equal(status, exception.Status);
        Assert.Equal(errorType, exception.Error.ErrorType);
    }
}
