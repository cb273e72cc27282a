using System.Globalization;
using System.Net;
using Kimi.Client.Tests.Infrastructure;
using static Kimi.Client.Tests.Errors.ErrorReplies;

namespace Kimi.Client.Tests.Errors;

/// <summary>
/// Conformance 31, mapping only: every provider's 429 becomes <see cref="KimiRateLimitException"/> with the wait it asked for.
/// (Whether and how the client retries is tested with the retry handler.)
/// </summary>
public class RateLimitTests
{
    [Theory(Timeout = 10_000)]
    [InlineData("Moonshot", "moonshot-max-request-429.json", "Your account org-0f3a request reached max request: 3, please try again after 1 seconds", "rate_limit_reached_error", null)]
    [InlineData("Moonshot", "moonshot-engine-overloaded-429.json", "The engine is currently overloaded, please try again later", "engine_overloaded_error", null)]
    [InlineData("Nvidia", "nvidia-too-many-requests-429.json", "Too Many Requests", "Too Many Requests", "429")]
    [InlineData("DeepInfra", "deepinfra-model-busy-429.json", "Model busy, retry later", null, null)]
    public async Task Each_providers_429_body_is_a_rate_limit_exception(string providerName, string fixture, string message, string? type, string? code)
    {
        var provider = KimiProvider.FromName(providerName);
        using var server = ServeFixture(429, fixture);

        var ex = await CatchAsync<KimiRateLimitException>(server, provider, TestContext.Current.CancellationToken);

        Assert.Equal(provider, ex.Provider);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Equal(message, ex.Error.Message);
        Assert.Equal(type, ex.Error.Type);
        Assert.Equal(code, ex.Error.Code);
        Assert.Contains("Rate limited or overloaded", ex.Message);
        Assert.Contains("lower concurrency", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_After_in_seconds_sets_RetryAfter_and_the_message()
    {
        using var server = ServeFixture(429, "moonshot-engine-overloaded-429.json", ("Retry-After", "7"));

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Contains("retry after 7 s", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_After_as_an_http_date_becomes_the_time_left_until_then()
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(30);
        using var server = ServeFixture(429, "nvidia-too-many-requests-429.json", ("Retry-After", until.ToString("R", CultureInfo.InvariantCulture)));

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.NotNull(ex.RetryAfter);
        Assert.InRange(ex.RetryAfter.Value, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30));
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_After_as_a_date_in_the_past_means_retry_now()
    {
        using var server = ServeFixture(429, "deepinfra-model-busy-429.json", ("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"));

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.Zero, ex.RetryAfter);
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_after_ms_sets_RetryAfter_to_the_millisecond()
    {
        using var server = ServeFixture(429, "deepinfra-model-busy-429.json", ("retry-after-ms", "1500"));

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromMilliseconds(1500), ex.RetryAfter);
        Assert.Contains("retry after 1.5 s", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_try_again_after_hint_is_used_when_no_header_exists()
    {
        using var server = ServeFixture(429, "moonshot-max-request-429.json");

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter);
        Assert.Contains("retry after 1 s", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_After_header_wins_over_the_hint_in_the_message()
    {
        using var server = ServeFixture(429, "moonshot-max-request-429.json", ("Retry-After", "7"));

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }

    [Fact(Timeout = 10_000)]
    public async Task Engine_overloaded_without_a_header_has_no_RetryAfter()
    {
        using var server = ServeFixture(429, "moonshot-engine-overloaded-429.json");

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Null(ex.RetryAfter);
        Assert.Contains("retry with backoff", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_unreadable_Retry_After_header_is_ignored_not_thrown()
    {
        using var server = ServeFixture(429, "moonshot-max-request-429.json", ("Retry-After", "soon"));

        var ex = await CatchAsync<KimiRateLimitException>(server, KimiProvider.Moonshot, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(1), ex.RetryAfter); // falls back to the message hint
    }

    [Fact(Timeout = 10_000)]
    public async Task A_huge_retry_after_ms_header_still_gives_a_rate_limit_exception()
    {
        using var server = ServeFixture(429, "deepinfra-model-busy-429.json", ("retry-after-ms", "1e300"));

        var ex = await CatchAsync(server, KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.IsType<KimiRateLimitException>(ex, exactMatch: true);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_429_on_a_streaming_call_is_a_rate_limit_exception_with_its_wait()
    {
        using var server = ServeFixture(429, "nvidia-too-many-requests-429.json", ("Retry-After", "3"));
        using var client = TestClients.For(KimiProvider.Nvidia, server.Url!);

        var ex = await Assert.ThrowsAsync<KimiRateLimitException>(async () =>
        {
            await foreach (var _ in client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken))
            {
            }
        });

        Assert.Equal(TimeSpan.FromSeconds(3), ex.RetryAfter);
        Assert.False(ex.IsStreamError);
    }
}
