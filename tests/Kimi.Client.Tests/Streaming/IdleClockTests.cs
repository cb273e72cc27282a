using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// Every event restarts the silence clock, even one that is skipped: after a data-less ping or an empty chunk the idle
/// limit applies, not the (much longer) first-chunk limit. A mistake here shows as a hang until the test's own timeout.
/// </summary>
public class IdleClockTests
{
    [Theory(Timeout = 20_000)]
    [InlineData("event: ping\ndata: {}\n\n")]
    [InlineData("data: {\"id\":\"p\",\"choices\":[]}\n\n")]
    [InlineData("data:\n\n")]
    public async Task A_skipped_first_event_starts_the_idle_limit_not_the_first_chunk_limit(string first)
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            await LoopbackServer.WriteSseAsync(context, [first]);
            await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, configure: o =>
        {
            o.Resilience.FirstChunkTimeout = TimeSpan.FromSeconds(60);
            o.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(400);
        });
        var cancellationToken = TestContext.Current.CancellationToken;

        var exception = await Assert.ThrowsAsync<KimiTimeoutException>(
            async () => await StreamReplay.CollectAsync(StreamReplay.Start(client, cancellationToken), cancellationToken));

        Assert.Equal(TimeSpan.FromMilliseconds(400), exception.Timeout);
        Assert.Contains("Resilience.IdleTimeout", exception.Message, StringComparison.Ordinal);
        Assert.True(string.IsNullOrEmpty(exception.PartialCompletion!.Text));
    }
}
