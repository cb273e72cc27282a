using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// The token budget is settled with the real usage on every read path, not only on a streamed answer: a non-streamed
/// answer, and a whole JSON answer to a streaming request (a server that ignored <c>"stream": true</c>).
/// </summary>
public class RateLimitSettleTests
{
    private const string Whole =
        """{"id":"w","object":"chat.completion","created":1,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""";

    private static KimiClientOptions Limited(FaultServer server)
    {
        var options = server.Options(KimiProvider.Moonshot, 1);
        options.Resilience.TotalTimeout = TimeSpan.FromSeconds(10);
        options.RateLimit.TokensPerMinute = 10_000;
        options.MaxOutputTokens = 6_000; // estimate ≈ 6,001: two unsettled calls would not fit in 10,000
        return options;
    }

    [Fact(Timeout = 30_000)]
    public async Task A_non_streamed_answer_settles_the_tokens_with_its_real_usage()
    {
        await using var server = await FaultServer.StartAsync(Json(200, Whole)); // usage: 7 tokens
        using var client = new KimiClient(Limited(server), timeProvider: new FakeTimeProvider());
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("Hello", (await client.CompleteAsync("Hello", cancellationToken: ct)).Text);
        }

        Assert.Equal(5, server.Requests); // without settling, the second call would wait 12 s: beyond the 10 s budget
    }

    [Fact(Timeout = 30_000)]
    public async Task A_whole_json_answer_to_a_streaming_request_settles_the_tokens_with_its_real_usage()
    {
        await using var server = await FaultServer.StartAsync(Json(200, Whole));
        using var client = new KimiClient(Limited(server), timeProvider: new FakeTimeProvider());
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 5; i++)
        {
            var completion = await StreamAsync(client, ct);
            Assert.Equal("Hello", completion.Text);
            Assert.Equal(7, completion.Usage!.TotalTokens);
        }

        Assert.Equal(5, server.Requests);
    }
}
