using System.Collections.Concurrent;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// <see cref="KimiRateLimitOptions.Limiter"/>: a limiter of the user's own is asked instead of the in-process one, with the
/// partition (never the key), the estimate and the time left; it settles with the real usage, is released when the response
/// is read or the stream disposed, and a refusal is a <see cref="KimiClientRateLimitException"/> with nothing sent.
/// </summary>
public class CustomRateLimiterTests
{
    private const string Whole =
        """{"id":"w","object":"chat.completion","created":1,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""";

    private static KimiClientOptions Limited(FaultServer server, KimiRateLimiter limiter)
    {
        var options = server.Options(KimiProvider.Moonshot, 1);
        options.Resilience.TotalTimeout = TimeSpan.FromSeconds(30);
        options.MaxOutputTokens = 100;
        options.RateLimit.RequestsPerMinute = 5;
        options.RateLimit.MaxConcurrentRequests = 2;
        options.RateLimit.Limiter = limiter;
        return options;
    }

    [Fact(Timeout = 20_000)]
    public async Task The_limiter_is_asked_with_the_partition_and_the_estimate_and_settled_with_the_real_usage()
    {
        await using var server = await FaultServer.StartAsync(Json(200, Whole));
        var limiter = new RecordingLimiter();
        using var client = new KimiClient(Limited(server, limiter), timeProvider: new FakeTimeProvider());

        var completion = await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        Assert.Equal(1, server.Requests);
        var call = Assert.Single(limiter.Calls);
        Assert.Equal("Moonshot", call.Partition.Provider);
        Assert.Equal(server.Server.Url.TrimEnd('/') + "/v1", call.Partition.Endpoint);
        Assert.Matches("^[0-9A-F]{24}$", call.Partition.ApiKeyHash);
        Assert.Equal($"Moonshot|{call.Partition.Endpoint}|{call.Partition.ApiKeyHash}", call.Partition.Key);
        Assert.Equal((5, (int?)null, 2), (call.Partition.RequestsPerMinute, call.Partition.TokensPerMinute, call.Partition.MaxConcurrentRequests));
        Assert.DoesNotContain(TestClients.ApiKey, call.Partition.ToString(), StringComparison.Ordinal);
        Assert.Equal(1 + 100, call.EstimatedTokens); // "Hello": 5 characters / 4, plus the output cap
        Assert.InRange(call.MaxWait, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(30)); // what is left of TotalTimeout
        Assert.Equal(7, call.Lease.Settled); // the answer's usage
        Assert.True(call.Lease.Disposed.Task.IsCompleted);
        Assert.Equal(1, call.Lease.Disposals);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_stream_holds_its_lease_until_the_enumerator_is_disposed_and_settles_with_the_usage_it_reported()
    {
        await using var server = await FaultServer.StartAsync(Ok);
        var limiter = new RecordingLimiter();
        using var client = new KimiClient(Limited(server, limiter), timeProvider: new FakeTimeProvider());
        var ct = TestContext.Current.CancellationToken;

        var stream = client.StreamAsync("Hello", cancellationToken: ct);
        await using (var updates = stream.GetAsyncEnumerator(ct))
        {
            Assert.True(await updates.MoveNextAsync());
            var lease = Assert.Single(limiter.Calls).Lease;
            Assert.False(lease.Disposed.Task.IsCompleted); // the stream is open: its slot is held
            while (await updates.MoveNextAsync())
            {
            }
        }

        var held = Assert.Single(limiter.Calls).Lease;
        Assert.Equal("Hello", stream.Completion!.Text);
        Assert.Equal(7, held.Settled);
        Assert.Equal(1, held.Disposals);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_stream_abandoned_early_releases_its_lease_on_dispose_and_keeps_the_estimate()
    {
        await using var server = await FaultServer.StartAsync(Stall(afterFirstChunk: TimeSpan.FromSeconds(30)));
        var limiter = new RecordingLimiter();
        using var client = new KimiClient(Limited(server, limiter));
        var ct = TestContext.Current.CancellationToken;

        await using (var updates = client.StreamAsync("Hello", cancellationToken: ct).GetAsyncEnumerator(ct))
        {
            Assert.True(await updates.MoveNextAsync());
            Assert.False(Assert.Single(limiter.Calls).Lease.Disposed.Task.IsCompleted);
        }

        var lease = Assert.Single(limiter.Calls).Lease;
        Assert.Equal(1, lease.Disposals);
        Assert.Null(lease.Settled); // no usage arrived: the estimate stands
    }

    [Fact(Timeout = 20_000)]
    public async Task A_limiter_that_would_wait_too_long_fails_the_call_with_its_wait_and_nothing_is_sent()
    {
        await using var server = await FaultServer.StartAsync(Ok);
        var limiter = new RecordingLimiter { Refuse = TimeSpan.FromSeconds(42) };
        using var client = new KimiClient(Limited(server, limiter), timeProvider: new FakeTimeProvider());

        var ex = await Assert.ThrowsAsync<KimiClientRateLimitException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

        Assert.Equal(0, server.Requests);
        Assert.Equal(TimeSpan.FromSeconds(42), ex.RetryAfter);
        Assert.Contains("would hold this call for 42 s", ex.Message, StringComparison.Ordinal);
        Assert.Equal(KimiAttemptOutcome.NotSent, Assert.Single(ex.Attempts).Outcome);
        Assert.Single(limiter.Calls);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_refusal_fails_over_and_the_failover_host_is_asked_through_the_same_limiter_under_its_own_partition()
    {
        await using var primary = await FaultServer.StartAsync(Ok);
        await using var secondary = await FaultServer.StartAsync(Ok);
        var limiter = new RecordingLimiter { Refuse = TimeSpan.FromMinutes(5), RefuseOnly = "Moonshot" };
        var options = Limited(primary, limiter);
        options.Resilience.MaxAttempts = 3; // the attempts are shared by every host
        options.Failover.Add(new KimiFailoverTarget
        {
            Provider = KimiProvider.DeepInfra,
            ApiKey = "another-key",
            Endpoint = new Uri(secondary.Server.Url + "/v1/openai"),
            RateLimit = new KimiRateLimitOptions { TokensPerMinute = 1_000 }, // no limiter of its own: the primary's
        });
        using var client = new KimiClient(options, timeProvider: new FakeTimeProvider());

        var completion = await StreamAsync(client, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        Assert.Equal((0, 1), (primary.Requests, secondary.Requests));
        Assert.Equal([KimiAttemptOutcome.NotSent, KimiAttemptOutcome.Succeeded], completion.Attempts.Select(a => a.Outcome));
        Assert.Equal(2, limiter.Calls.Count);
        var second = limiter.Calls.Last();
        Assert.Equal("DeepInfra", second.Partition.Provider);
        Assert.Equal(((int?)null, 1_000, (int?)null), (second.Partition.RequestsPerMinute, second.Partition.TokensPerMinute, second.Partition.MaxConcurrentRequests));
        Assert.NotEqual(limiter.Calls.First().Partition.ApiKeyHash, second.Partition.ApiKeyHash);
        Assert.Equal(7, second.Lease.Settled);
    }

    [Fact(Timeout = 20_000)]
    public async Task An_error_answer_settles_with_nothing_and_frees_the_slot()
    {
        await using var server = await FaultServer.StartAsync(Json(400, Body(KimiProvider.Moonshot, 400, "bad request")));
        var limiter = new RecordingLimiter();
        using var client = new KimiClient(Limited(server, limiter), timeProvider: new FakeTimeProvider());

        await Assert.ThrowsAnyAsync<KimiApiException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

        var lease = Assert.Single(limiter.Calls).Lease;
        Assert.Equal(0, lease.Settled);
        Assert.Equal(1, lease.Disposals);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_limiter_cancelled_by_the_caller_sends_nothing_and_reports_the_cancellation()
    {
        await using var server = await FaultServer.StartAsync(Ok);
        var limiter = new RecordingLimiter { Block = true };
        using var client = new KimiClient(Limited(server, limiter));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var call = StreamAsync(client, cancel.Token);
        await limiter.Asked.Task.WaitAsync(TestContext.Current.CancellationToken);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(0, server.Requests);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_limiter_that_ignores_its_wait_limit_is_ended_by_the_calls_total_limit_and_nothing_is_sent()
    {
        await using var server = await FaultServer.StartAsync(Ok);
        var limiter = new RecordingLimiter { Block = true }; // waits until its token is cancelled, whatever maxWait says
        var options = Limited(server, limiter);
        options.Resilience.TotalTimeout = TimeSpan.FromSeconds(1);
        using var client = new KimiClient(options);

        var started = DateTime.UtcNow;
        var error = await Assert.ThrowsAsync<KimiClientRateLimitException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

        Assert.StartsWith("Not sent: the client-side rate limit for Moonshot", error.Message, StringComparison.Ordinal);
        Assert.Equal(KimiAttemptOutcome.NotSent, Assert.Single(error.Attempts).Outcome);
        Assert.Equal(0, server.Requests);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10), "the total limit ends the wait for a slot");
    }

    [Fact(Timeout = 10_000)]
    public void A_limiter_without_any_limit_is_refused_with_a_message_that_says_what_to_set()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var options = new KimiClientOptions { ApiKey = "test-key", RateLimit = { Limiter = new RecordingLimiter() } };

        var problem = Assert.Single(options.Validate());
        var error = Assert.Throws<ArgumentException>(() => new KimiClient(options));

        Assert.Contains("Kimi:RateLimit:Limiter is set but no limit is", problem, StringComparison.Ordinal);
        Assert.Contains("MaxConcurrentRequests", problem, StringComparison.Ordinal);
        Assert.Contains("Kimi:RateLimit:Limiter", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public void Without_a_limiter_of_its_own_the_client_keeps_its_limits_in_process_and_with_one_it_asks_only_that()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var own = new RecordingLimiter();
        var inProcess = new Kimi.Client.Http.ClientSettings(new KimiClientOptions { ApiKey = $"k-{Guid.NewGuid():N}", RateLimit = { RequestsPerMinute = 3 } });
        var custom = new Kimi.Client.Http.ClientSettings(new KimiClientOptions { ApiKey = $"k-{Guid.NewGuid():N}", RateLimit = { RequestsPerMinute = 3, Limiter = own } });
        var off = new Kimi.Client.Http.ClientSettings(new KimiClientOptions { ApiKey = $"k-{Guid.NewGuid():N}" });

        Assert.IsType<Kimi.Client.RateLimiting.ProviderRateLimiter>(inProcess.RateLimiter);
        Assert.Same(own, custom.RateLimiter);
        Assert.False(Kimi.Client.RateLimiting.ProviderRateLimiter.IsLive(custom));
        Assert.Null(off.RateLimiter);
        Assert.Null(off.RateLimitPartition);
        Assert.Equal(3, custom.RateLimitPartition!.RequestsPerMinute);
    }

    [Fact(Timeout = 10_000)]
    public void A_lease_settles_once_only_before_it_is_disposed_and_a_refusal_holds_nothing()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var lease = new RecordingLease();
        lease.Settle(9);
        lease.Settle(3);
        lease.Dispose();
        lease.Dispose();
        var late = new RecordingLease();
        late.Dispose();
        late.Settle(4);
        var refused = KimiRateLimitLease.Refused(TimeSpan.FromSeconds(-1));

        Assert.Equal((9, 1), (lease.Settled, lease.Disposals));
        Assert.Null(late.Settled);
        Assert.False(refused.IsAcquired);
        Assert.Equal(TimeSpan.Zero, refused.RetryAfter);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordingLease().Settle(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KimiRateLimitPartition("Moonshot", "https://x", "-", 0, null, null));
    }

    private sealed record LimiterCall(KimiRateLimitPartition Partition, int EstimatedTokens, TimeSpan MaxWait, RecordingLease Lease);

    /// <summary>Grants every call (or refuses those of one host), recording what it was asked and what became of each lease.</summary>
    private sealed class RecordingLimiter : KimiRateLimiter
    {
        private readonly ConcurrentQueue<LimiterCall> _calls = new();

        public TimeSpan? Refuse { get; init; }

        public string? RefuseOnly { get; init; }

        public bool Block { get; init; }

        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyCollection<LimiterCall> Calls => _calls;

        public override async ValueTask<KimiRateLimitLease> AcquireAsync(KimiRateLimitPartition partition, int estimatedTokens, TimeSpan maxWait, CancellationToken cancellationToken = default)
        {
            var lease = new RecordingLease();
            _calls.Enqueue(new LimiterCall(partition, estimatedTokens, maxWait, lease));
            Asked.TrySetResult();
            if (Block)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return Refuse is { } wait && (RefuseOnly is null || RefuseOnly == partition.Provider) ? KimiRateLimitLease.Refused(wait) : lease;
        }
    }

    private sealed class RecordingLease : KimiRateLimitLease
    {
        private int _disposals;

        public int? Settled { get; private set; }

        public int Disposals => Volatile.Read(ref _disposals);

        public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool IsAcquired => true;

        protected override void SettleCore(int actualTokens) => Settled = actualTokens;

        protected override void Dispose(bool disposing)
        {
            Interlocked.Increment(ref _disposals);
            Disposed.TrySetResult();
            base.Dispose(disposing);
        }
    }
}
