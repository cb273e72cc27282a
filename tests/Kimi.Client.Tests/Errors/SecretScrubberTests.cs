using Kimi.Client.Errors;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Errors;

/// <summary>Unit tests of <see cref="SecretScrubber"/>, the one place provider text is cleaned before it reaches a message or a log.</summary>
public class SecretScrubberTests
{
    private const string Key = TestClients.ApiKey;

    private static Task<string?> ScrubAsync(string? key, string? text, CancellationToken cancellationToken) =>
        Task.Run(() => new SecretScrubber(key).Scrub(text), cancellationToken);

    [Theory(Timeout = 10_000)]
    [InlineData($"Incorrect API key provided: {Key}", "Incorrect API key provided: [redacted]")]
    [InlineData($"{Key} and again {Key}", "[redacted] and again [redacted]")]
    [InlineData($"Authorization: Bearer {Key}", "Authorization: Bearer [redacted]")]
    [InlineData("authorization: bearer nvapi-AbC_12.3~x/y+z=", "authorization: Bearer [redacted]")]
    [InlineData("page ends inside the key test-key-SEN…", "page ends inside the key [redacted]…")]
    [InlineData("nothing secret here", "nothing secret here")]
    [InlineData("", "")]
    public async Task Keys_and_bearer_tokens_are_replaced(string text, string expected)
    {
        Assert.Equal(expected, await ScrubAsync(Key, text, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10_000)]
    public async Task Null_stays_null()
    {
        Assert.Null(await ScrubAsync(Key, null, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10_000)]
    public async Task Text_that_merely_ends_like_the_key_is_left_alone_unless_it_was_cut()
    {
        Assert.Equal("prefix test-key", await ScrubAsync(Key, "prefix test-key", TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10_000)]
    public async Task Without_a_key_only_bearer_tokens_are_scrubbed()
    {
        Assert.Equal("Bearer [redacted] for x", await ScrubAsync(null, "Bearer abc.def for x", TestContext.Current.CancellationToken));
    }
}
