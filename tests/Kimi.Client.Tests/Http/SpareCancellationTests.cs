using System.Buffers;
using Kimi.Client.Http;

namespace Kimi.Client.Tests.Http;

/// <summary>
/// The body reader's pause limit is a per-thread spare cancellation source, cancelled by the caller's token through a
/// registration: whatever happens to a caller's token after its read ended must not reach the reads that reuse the spare.
/// </summary>
public class SpareCancellationTests
{
    private static readonly byte[] Body = "{\"id\":\"c1\",\"choices\":[]}"u8.ToArray();

    [Fact(Timeout = 10_000)]
    public async Task A_callers_token_cancelled_after_its_read_ended_does_not_reach_the_next_read_on_the_thread()
    {
        var ct = TestContext.Current.CancellationToken;

        // ByteArrayContent reads complete at once, so every read below runs on this thread and reuses the same spare.
        for (var round = 0; round < 3; round++)
        {
            using var caller = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using (var first = await BodyReader.ReadAsync(new ByteArrayContent(Body), 1024, TimeSpan.FromSeconds(30), TimeProvider.System, caller.Token))
            {
                Assert.Equal(Body.Length, first.Length);
            }

            await caller.CancelAsync();

            using var next = await BodyReader.ReadAsync(new ByteArrayContent(Body), 1024, TimeSpan.FromSeconds(30), TimeProvider.System, ct);
            Assert.Equal(Body, next.Bytes.ToArray());
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task A_read_whose_caller_had_already_cancelled_is_cancelled_and_the_next_read_is_not()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            using var _ = await BodyReader.ReadAsync(new ByteArrayContent(Body), 1024, TimeSpan.FromSeconds(30), TimeProvider.System, cancelled.Token);
        });

        using var next = await BodyReader.ReadAsync(new ByteArrayContent(Body), 1024, TimeSpan.FromSeconds(30), TimeProvider.System, ct);
        Assert.Equal(Body, next.Bytes.ToArray());
    }

    [Fact(Timeout = 10_000)]
    public async Task The_callers_token_cancels_a_body_whose_stream_is_slow_to_open()
    {
        // The caller's token reaches the pause-limit source only once something has to wait: opening the stream may be it.
        var ct = TestContext.Current.CancellationToken;
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(ct);
        caller.CancelAfter(TimeSpan.FromMilliseconds(200));

        var started = DateTime.UtcNow;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            using var _ = await BodyReader.ReadAsync(new SlowToOpenContent(), 1024, TimeSpan.FromSeconds(30), TimeProvider.System, caller.Token);
        });
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "the caller's cancellation, not the 30 s pause limit, ended it");

        using var next = await BodyReader.ReadAsync(new ByteArrayContent(Body), 1024, TimeSpan.FromSeconds(30), TimeProvider.System, ct);
        Assert.Equal(Body, next.Bytes.ToArray());
    }

    /// <summary>A body whose stream opens only when the read is cancelled (as a content that must fetch something first).</summary>
    private sealed class SlowToOpenContent : HttpContent
    {
        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return new MemoryStream(Body);
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => throw new NotSupportedException();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
