using System.Globalization;
using System.Net;
using Kimi.Client.Tests.Infrastructure;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// The HTTP half of the fault matrix, for every dialect over real sockets: what is retried (408/429/5xx, honouring
/// Retry-After up to the cap), what fails at once (auth, bad request, context length), and every attempt on the result.
/// Waits run on a fake clock moved forward in the background.
/// </summary>
#pragma warning disable CA1068 // the token reads best right after the dialect in these calls
public class HttpFaultMatrixTests
{
    public static TheoryData<KimiProvider> Dialects => TestClients.Dialects;

    private static async Task<(ChatCompletion Completion, int Requests, TimeSpan Waited)> RetriedAsync(KimiProvider provider, CancellationToken cancellationToken, Func<Microsoft.AspNetCore.Http.HttpContext, Task>? first, Func<RunningClock, Func<Microsoft.AspNetCore.Http.HttpContext, Task>>? firstWithClock = null)
    {
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(firstWithClock?.Invoke(clock) ?? first!, Ok);
        using var client = new KimiClient(server.Options(provider), timeProvider: clock.Time);
        var started = clock.Time.GetUtcNow();
        var completion = await StreamAsync(client, cancellationToken);
        return (completion, server.Requests, clock.Time.GetUtcNow() - started);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_429_with_Retry_After_seconds_waits_that_long_then_succeeds(KimiProvider provider)
    {
        var (completion, requests, waited) = await RetriedAsync(provider, TestContext.Current.CancellationToken, Json(429, Body(provider, 429, "Too Many Requests"), ("Retry-After", "5")));

        Assert.Equal("Hello", completion.Text);
        Assert.Equal(2, requests);
        Assert.True(waited >= TimeSpan.FromSeconds(5), $"waited {waited}");
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.OK], completion.Attempts.Select(a => a.Status!.Value));
        Assert.Contains("after 5 s (Retry-After)", completion.Attempts[0].Detail);
        Assert.Equal(KimiAttemptOutcome.Succeeded, completion.Attempts[1].Outcome);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_429_with_Retry_After_as_an_http_date_waits_until_then(KimiProvider provider)
    {
        var (completion, requests, waited) = await RetriedAsync(provider, TestContext.Current.CancellationToken, null, clock => context =>
            Json(429, Body(provider, 429, "Too Many Requests"), ("Retry-After", clock.Time.GetUtcNow().AddSeconds(20).ToString("R", CultureInfo.InvariantCulture)))(context));

        Assert.Equal("Hello", completion.Text);
        Assert.Equal(2, requests);
        Assert.True(waited >= TimeSpan.FromSeconds(15), $"waited {waited}");
        Assert.Contains("(Retry-After)", completion.Attempts[0].Detail);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_429_with_retry_after_ms_waits_to_the_millisecond(KimiProvider provider)
    {
        var (completion, requests, waited) = await RetriedAsync(provider, TestContext.Current.CancellationToken, Json(429, Body(provider, 429, "Too Many Requests"), ("retry-after-ms", "1500")));

        Assert.Equal(2, requests);
        Assert.True(waited >= TimeSpan.FromMilliseconds(1500), $"waited {waited}");
        Assert.Contains("after 1.5 s (Retry-After)", completion.Attempts[0].Detail);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_429_try_again_after_message_is_a_hint_on_Moonshot_and_plain_backoff_elsewhere(KimiProvider provider)
    {
        var (completion, requests, _) = await RetriedAsync(provider, TestContext.Current.CancellationToken, Json(429, Body(provider, 429, "Your account reached max request: 3, please try again after 7 seconds")));

        Assert.Equal("Hello", completion.Text);
        Assert.Equal(2, requests);
        if (provider == KimiProvider.Moonshot)
        {
            Assert.Contains("after 7 s (Retry-After)", completion.Attempts[0].Detail);
        }
        else
        {
            Assert.DoesNotContain("Retry-After", completion.Attempts[0].Detail);
        }
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_Retry_After_beyond_the_cap_fails_at_once_with_RetryAfter(KimiProvider provider)
    {
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(Json(429, Body(provider, 429, "Too Many Requests"), ("Retry-After", "410400")), Ok); // 114 hours
        using var client = new KimiClient(server.Options(provider), timeProvider: clock.Time);

        var ex = await Assert.ThrowsAsync<KimiRateLimitException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

        Assert.Equal(TimeSpan.FromHours(114), ex.RetryAfter);
        Assert.Equal(1, server.Requests);
        var attempt = Assert.Single(ex.Attempts);
        Assert.Equal(HttpStatusCode.TooManyRequests, attempt.Status);
        Assert.Equal(KimiAttemptOutcome.Failed, attempt.Outcome);
        Assert.StartsWith("429", attempt.Detail);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task Server_errors_500_502_503_and_408_are_retried_then_succeed(KimiProvider provider)
    {
        foreach (var status in new[] { 500, 502, 503, 408 })
        {
            var (completion, requests, _) = await RetriedAsync(provider, TestContext.Current.CancellationToken, Json(status, Body(provider, status, "upstream failed")));

            Assert.Equal("Hello", completion.Text);
            Assert.Equal(2, requests);
            Assert.Equal((HttpStatusCode)status, completion.Attempts[0].Status);
            Assert.Contains($"HTTP {status}; retrying", completion.Attempts[0].Detail);
        }
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_server_error_on_every_try_ends_with_every_attempt_on_the_exception(KimiProvider provider)
    {
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(Json(503, Body(provider, 503, "overloaded")));
        using var client = new KimiClient(server.Options(provider), timeProvider: clock.Time);

        var ex = await Assert.ThrowsAsync<KimiServerException>(() => client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(3, server.Requests);
        Assert.Equal(3, ex.Attempts.Count);
        Assert.All(ex.Attempts, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a.Status));
        Assert.All(ex.Attempts, a => Assert.Equal(provider, a.Provider));
        Assert.Equal(KimiAttemptOutcome.Failed, ex.Attempts[^1].Outcome);
        Assert.StartsWith("503", ex.Attempts[^1].Detail);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task Auth_and_bad_request_errors_are_never_retried(KimiProvider provider)
    {
        foreach (var (status, type) in new[] { (401, typeof(KimiAuthenticationException)), (400, typeof(KimiBadRequestException)) })
        {
            await using var clock = new RunningClock();
            await using var server = await FaultServer.StartAsync(Json(status, Body(provider, status, "Invalid request: nope")), Ok);
            using var client = new KimiClient(server.Options(provider), timeProvider: clock.Time);

            var ex = await Assert.ThrowsAnyAsync<KimiApiException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

            Assert.IsAssignableFrom(type, ex);
            Assert.Equal(1, server.Requests);
            Assert.Single(ex.Attempts);
        }
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task Context_length_errors_are_never_retried_even_as_DeepInfras_500(KimiProvider provider)
    {
        var (status, message) = provider.Name switch
        {
            "DeepInfra" => (500, "Requested input length 99009 exceeds maximum input length 8192"),
            "Moonshot" => (400, "Your request exceeded model token limit : 262144"),
            _ => (400, "This model's maximum context length is 32768 tokens. However, you requested 39197 tokens"),
        };
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(Json(status, Body(provider, status, message)), Ok);
        using var client = new KimiClient(server.Options(provider), timeProvider: clock.Time);

        var ex = await Assert.ThrowsAsync<KimiContextLengthExceededException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

        Assert.Equal(1, server.Requests);
        Assert.Equal((HttpStatusCode)status, Assert.Single(ex.Attempts).Status);
    }
}
