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
}
