using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// The socket half of the fault matrix, for every dialect: resets before headers and mid-stream, slow headers, a slow
/// first chunk, a stall between chunks, and cancellation at each stage. Timeouts are real and short (≤ 500 ms).
/// </summary>
public class SocketFaultMatrixTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    public static TheoryData<KimiProvider> Dialects => TestClients.Dialects;

    private static KimiClientOptions RealTime(FaultServer server, KimiProvider provider, int maxAttempts, Action<KimiResilienceOptions>? configure = null)
    {
        var options = TestClients.Options(provider, server.Server.Url);
        options.Resilience = new KimiResilienceOptions { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(10) };
        configure?.Invoke(options.Resilience);
        return options;
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_connection_reset_before_headers_is_retried(KimiProvider provider)
    {
        await using var server = await FaultServer.StartAsync(Abort, Ok);
        using var client = new KimiClient(RealTime(server, provider, 3));

        var completion = await StreamAsync(client, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        Assert.Equal(2, server.Requests);
        Assert.Null(completion.Attempts[0].Status);
        Assert.Contains("connection failed; retrying", completion.Attempts[0].Detail);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task Resets_on_every_try_end_in_a_connection_exception_with_every_attempt(KimiProvider provider)
    {
        await using var server = await FaultServer.StartAsync(Abort);
        using var client = new KimiClient(RealTime(server, provider, 2));

        var ex = await Assert.ThrowsAsync<KimiConnectionException>(() => client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(2, server.Requests);
        Assert.Equal(2, ex.Attempts.Count);
        Assert.All(ex.Attempts, a => Assert.Null(a.Status));
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_reset_mid_stream_throws_incomplete_with_the_partial_and_is_never_replayed(KimiProvider provider)
    {
        await using var server = await FaultServer.StartAsync(CutAfterFirstChunk, Ok);
        using var client = new KimiClient(RealTime(server, provider, 3));
        var texts = new List<string>();

        var ex = await Assert.ThrowsAsync<KimiStreamIncompleteException>(async () =>
        {
            await foreach (var update in client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken))
            {
                texts.Add(update.ContentDelta ?? string.Empty);
            }
        });

        Assert.Equal(["Hel"], texts);
        Assert.Equal("Hel", ex.PartialCompletion!.Text);
        Assert.Equal(1, server.Requests);
        Assert.Equal(KimiAttemptOutcome.Succeeded, Assert.Single(ex.Attempts).Outcome);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task Slow_headers_time_out_per_attempt_streaming_and_not(KimiProvider provider)
    {
        await using var server = await FaultServer.StartAsync(Stall(beforeHeaders: TimeSpan.FromSeconds(5)));
        using var client = new KimiClient(RealTime(server, provider, 2, r => { r.StreamingResponseTimeout = Short; r.ResponseTimeout = Short; }));

        var streaming = await Assert.ThrowsAsync<KimiTimeoutException>(() => StreamAsync(client, TestContext.Current.CancellationToken));
        var whole = await Assert.ThrowsAsync<KimiTimeoutException>(() => client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(Short, streaming.Timeout);
        Assert.Contains("StreamingResponseTimeout", streaming.Message);
        Assert.Contains("ResponseTimeout", whole.Message);
        Assert.Equal(2, streaming.Attempts.Count);
        Assert.Contains("no response in time; retrying", streaming.Attempts[0].Detail);
        Assert.Equal(4, server.Requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_slow_first_chunk_times_out_with_FirstChunkTimeout(KimiProvider provider)
    {
        await using var server = await FaultServer.StartAsync(Stall(afterHeaders: TimeSpan.FromSeconds(5)));
        using var client = new KimiClient(RealTime(server, provider, 3, r => r.FirstChunkTimeout = Short));

        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

        Assert.Equal(Short, ex.Timeout);
        Assert.Contains("FirstChunkTimeout", ex.Message);
        Assert.Equal(string.Empty, ex.PartialCompletion!.Text);
        Assert.Equal(1, server.Requests); // headers arrived: never replayed
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task A_stall_between_chunks_times_out_with_IdleTimeout_and_the_partial(KimiProvider provider)
    {
        await using var server = await FaultServer.StartAsync(Stall(afterFirstChunk: TimeSpan.FromSeconds(5)));
        using var client = new KimiClient(RealTime(server, provider, 3, r => r.IdleTimeout = Short));

        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

        Assert.Equal(Short, ex.Timeout);
        Assert.Contains("IdleTimeout", ex.Message);
        Assert.Equal("Hel", ex.PartialCompletion!.Text);
        Assert.Equal(1, server.Requests);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task Keep_alive_comments_count_as_life_for_IdleTimeout(KimiProvider provider)
    {
        await using var server = await FaultServer.StartAsync(async context =>
        {
            await WriteAsync(context, [Hello1]);
            for (var i = 0; i < 6; i++)
            {
                await Task.Delay(100, context.RequestAborted);
                await WriteAsync(context, [": keep-alive\n\n"]);
            }

            await WriteAsync(context, [Hello2, Done]);
        });
        using var client = new KimiClient(RealTime(server, provider, 1, r => r.IdleTimeout = Short));

        var completion = await StreamAsync(client, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
    }

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Dialects))]
    public async Task Cancellation_before_headers_during_backoff_and_mid_stream_is_an_OperationCanceledException(KimiProvider provider)
    {
        // Before headers.
        await using (var server = await FaultServer.StartAsync(Stall(beforeHeaders: TimeSpan.FromSeconds(5))))
        {
            using var client = new KimiClient(RealTime(server, provider, 3));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(150);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StreamAsync(client, cts.Token));
            Assert.Equal(1, server.Requests);
        }

        // During a backoff (a fake clock that never moves: the retry waits forever).
        await using (var server = await FaultServer.StartAsync(Json(503, Body(provider, 503, "busy")), Ok))
        {
            var options = server.Options(provider);
            using var client = new KimiClient(options, timeProvider: new FakeTimeProvider());
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            cts.CancelAfter(200);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => StreamAsync(client, cts.Token));
            Assert.Equal(1, server.Requests);
        }

        // Mid-stream.
        await using (var server = await FaultServer.StartAsync(Stall(afterFirstChunk: TimeSpan.FromSeconds(5))))
        {
            using var client = new KimiClient(RealTime(server, provider, 3));
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            var stream = client.StreamAsync("Hello", cancellationToken: cts.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            {
                await foreach (var update in stream)
                {
                    cts.Cancel();
                }
            });
            Assert.Equal(1, server.Requests);
            var deadline = DateTime.UtcNow.AddSeconds(5);
            while (server.InFlight > 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }

            Assert.Equal(0, server.InFlight); // the connection was closed, so the server stopped too
        }
    }
}
