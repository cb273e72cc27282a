using Kimi.Client.Http;

namespace Kimi.Client.Tests.Errors;

/// <summary>Unit tests of <see cref="RetryAfter"/>: which header wins and how each form is read.</summary>
public class RetryAfterHeaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static Task<TimeSpan?> ReadAsync(CancellationToken cancellationToken, params (string Name, string Value)[] headers) => Task.Run(
        () =>
        {
            using var response = new HttpResponseMessage();
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return RetryAfter.FromHeaders(response.Headers, Now);
        },
        cancellationToken);

    [Fact(Timeout = 10_000)]
    public async Task No_header_means_no_wait_is_known()
    {
        Assert.Null(await ReadAsync(TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("7", 7)]
    [InlineData("0", 0)]
    [InlineData("120", 120)]
    public async Task Retry_After_seconds_are_read(string value, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), await ReadAsync(TestContext.Current.CancellationToken, ("Retry-After", value)));
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_After_http_date_is_the_time_left_from_now()
    {
        Assert.Equal(TimeSpan.FromSeconds(90), await ReadAsync(TestContext.Current.CancellationToken, ("Retry-After", "Fri, 01 May 2026 12:01:30 GMT")));
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_After_http_date_in_the_past_is_zero_not_negative()
    {
        Assert.Equal(TimeSpan.Zero, await ReadAsync(TestContext.Current.CancellationToken, ("Retry-After", "Fri, 01 May 2026 11:59:00 GMT")));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("1500", 1500)]
    [InlineData("0", 0)]
    [InlineData("250.5", 250.5)]
    public async Task Retry_after_ms_is_read_in_milliseconds(string value, double milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), await ReadAsync(TestContext.Current.CancellationToken, ("retry-after-ms", value)));
    }

    [Fact(Timeout = 10_000)]
    public async Task Retry_after_ms_wins_over_Retry_After()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), await ReadAsync(TestContext.Current.CancellationToken, ("Retry-After", "7"), ("retry-after-ms", "1500")));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("")]
    public async Task An_unusable_retry_after_ms_falls_back_to_Retry_After(string value)
    {
        Assert.Equal(TimeSpan.FromSeconds(7), await ReadAsync(TestContext.Current.CancellationToken, ("retry-after-ms", value), ("Retry-After", "7")));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("7.5")]
    [InlineData("99999999999999999999")]
    public async Task An_unreadable_Retry_After_is_ignored(string value)
    {
        Assert.Null(await ReadAsync(TestContext.Current.CancellationToken, ("Retry-After", value)));
    }

    [Fact(Timeout = 10_000)]
    public async Task Header_names_are_case_insensitive()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), await ReadAsync(TestContext.Current.CancellationToken, ("retry-after", "3")));
        Assert.Equal(TimeSpan.FromMilliseconds(20), await ReadAsync(TestContext.Current.CancellationToken, ("Retry-After-Ms", "20")));
    }
}
