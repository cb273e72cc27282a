namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// The rate-limit grain call by call, on a clock the test moves: a retried call is applied once, waiting callers are served
/// in the order they came, leases expire unless renewed, and a renewal takes back a lease the grain lost (but not one it released).
/// </summary>
public class RateLimitGrainTests(RateLimitGrainFixture fixture) : IClassFixture<RateLimitGrainFixture>
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private static RateLimitRequest Ask(int? concurrency = null, int? rpm = null, int? tpm = null, int tokens = 0, TimeSpan? maxWait = null) => new()
    {
        Limits = new RateLimitsData { MaxConcurrentRequests = concurrency, RequestsPerMinute = rpm, TokensPerMinute = tpm },
        EstimatedTokens = tokens,
        MaxWait = maxWait ?? TimeSpan.FromMinutes(1),
        LeaseDuration = Lease,
        QueueTimeout = TimeSpan.FromSeconds(3),
    };

    private IKimiRateLimitGrain NewGrain() => fixture.Grain("test|" + Guid.NewGuid().ToString("N"));

    [Fact(Timeout = 60_000)]
    public async Task A_retried_ask_gets_the_same_lease_and_a_retried_release_settles_once()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested(); // every grain call is short
        var grain = NewGrain();
        var call = Guid.NewGuid();

        var first = await grain.AcquireAsync(call, Ask(concurrency: 1, tpm: 100, tokens: 60));
        var again = await grain.AcquireAsync(call, Ask(concurrency: 1, tpm: 100, tokens: 60)); // the first answer was "lost"
        var held = await grain.GetStatusAsync();
        await grain.ReleaseAsync(call, 10, unsent: false);
        await grain.ReleaseAsync(call, 10, unsent: false);
        var released = await grain.GetStatusAsync();

        Assert.Equal((RateLimitAnswerKind.Granted, RateLimitAnswerKind.Granted), (first.Kind, again.Kind));
        Assert.Equal((1, 1, 40d), (held.SlotsInUse, held.Leases, held.AvailableTokens!.Value));
        Assert.Equal((0, 0, 90d), (released.SlotsInUse, released.Leases, released.AvailableTokens!.Value)); // 60 reserved, 10 used: 50 back, once
    }

    [Fact(Timeout = 60_000)]
    public async Task Callers_waiting_for_a_slot_are_served_in_the_order_they_came_and_one_that_stops_asking_loses_its_place()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested(); // every grain call is short
        var grain = NewGrain();
        Guid holder = Guid.NewGuid(), second = Guid.NewGuid(), third = Guid.NewGuid(), fourth = Guid.NewGuid();
        Assert.Equal(RateLimitAnswerKind.Granted, (await grain.AcquireAsync(holder, Ask(concurrency: 1))).Kind);
        Assert.Equal(RateLimitAnswerKind.Queued, (await grain.AcquireAsync(second, Ask(concurrency: 1))).Kind);
        Assert.Equal(RateLimitAnswerKind.Queued, (await grain.AcquireAsync(third, Ask(concurrency: 1))).Kind);

        await grain.ReleaseAsync(holder, null, unsent: false);
        var thirdFirst = await grain.AcquireAsync(third, Ask(concurrency: 1)); // the slot is free, but the second came first
        var secondsTurn = await grain.AcquireAsync(second, Ask(concurrency: 1));
        Assert.Equal((RateLimitAnswerKind.Queued, RateLimitAnswerKind.Granted), (thirdFirst.Kind, secondsTurn.Kind));

        // The third stops asking; once its place lapses (3 s), a later caller is next.
        Assert.Equal(RateLimitAnswerKind.Queued, (await grain.AcquireAsync(fourth, Ask(concurrency: 1))).Kind);
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(RateLimitAnswerKind.Queued, (await grain.AcquireAsync(fourth, Ask(concurrency: 1))).Kind);
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await grain.ReleaseAsync(second, null, unsent: false);
        Assert.Equal(RateLimitAnswerKind.Granted, (await grain.AcquireAsync(fourth, Ask(concurrency: 1))).Kind);
        Assert.Equal(0, (await grain.GetStatusAsync()).Queued);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_lease_expires_unless_renewed_and_a_renewal_takes_back_a_lease_the_grain_lost_but_not_one_it_released()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested(); // every grain call is short
        var grain = NewGrain();
        var limits = Ask(concurrency: 2).Limits;
        Guid renewed = Guid.NewGuid(), forgotten = Guid.NewGuid(), lost = Guid.NewGuid(), released = Guid.NewGuid();
        await grain.AcquireAsync(renewed, Ask(concurrency: 2));
        await grain.AcquireAsync(forgotten, Ask(concurrency: 2));

        fixture.Clock.Advance(TimeSpan.FromSeconds(20));
        await grain.RenewAsync([renewed], limits, Lease);
        fixture.Clock.Advance(TimeSpan.FromSeconds(20)); // 40 s: the forgotten lease (30 s) ran out, the renewed one (to 50 s) did not
        var afterExpiry = await grain.GetStatusAsync();

        await grain.ReleaseAsync(renewed, null, unsent: false);
        await grain.ReleaseAsync(released, null, unsent: false); // as if released by a call whose renewal was still on its way
        await grain.RenewAsync([lost, released], limits, Lease); // the grain never saw "lost" (its silo died): its call is still running
        var afterRenewal = await grain.GetStatusAsync();

        Assert.Equal((1, 1), (afterExpiry.SlotsInUse, afterExpiry.Expired));
        Assert.Equal((1, 1), (afterRenewal.SlotsInUse, afterRenewal.Leases));
        Assert.Equal(RateLimitAnswerKind.Granted, (await grain.AcquireAsync(Guid.NewGuid(), Ask(concurrency: 2))).Kind);
        Assert.Equal(RateLimitAnswerKind.Queued, (await grain.AcquireAsync(Guid.NewGuid(), Ask(concurrency: 2))).Kind);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_budgets_go_into_debt_with_a_wait_a_refusal_costs_nothing_and_an_abandoned_lease_gives_everything_back()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested(); // every grain call is short
        var grain = NewGrain();
        Guid first = Guid.NewGuid(), second = Guid.NewGuid(), third = Guid.NewGuid();

        var now = await grain.AcquireAsync(first, Ask(rpm: 2, tpm: 60, tokens: 60));
        var later = await grain.AcquireAsync(second, Ask(rpm: 2, tpm: 60, tokens: 30)); // 30 tokens at 1 a second
        fixture.Clock.Advance(TimeSpan.FromSeconds(10));
        var retried = await grain.AcquireAsync(second, Ask(rpm: 2, tpm: 60, tokens: 30));
        var refused = await grain.AcquireAsync(third, Ask(rpm: 2, tpm: 60, tokens: 1, maxWait: TimeSpan.FromSeconds(5)));
        var beforeAbandon = await grain.GetStatusAsync();
        await grain.AbandonAsync(second);
        var afterAbandon = await grain.GetStatusAsync();

        Assert.Equal((RateLimitAnswerKind.Granted, TimeSpan.Zero), (now.Kind, now.Wait));
        Assert.Equal((RateLimitAnswerKind.Granted, TimeSpan.FromSeconds(30)), (later.Kind, later.Wait));
        Assert.Equal((RateLimitAnswerKind.Granted, TimeSpan.FromSeconds(20)), (retried.Kind, retried.Wait)); // the same lease, 10 s on
        Assert.Equal(RateLimitAnswerKind.Refused, refused.Kind);
        Assert.Equal(TimeSpan.FromSeconds(20), refused.Wait); // both requests taken, one back every 30 s, 10 s of it gone
        Assert.Equal(2, beforeAbandon.Leases);
        Assert.Equal(1, afterAbandon.Leases);
        Assert.True(afterAbandon.AvailableRequests > beforeAbandon.AvailableRequests); // the abandoned call's request came back
        Assert.Equal(beforeAbandon.AvailableTokens!.Value + 30, afterAbandon.AvailableTokens!.Value, 6); // and its tokens, all of them
    }

    [Fact(Timeout = 60_000)]
    public async Task The_limiter_renews_the_slots_it_holds_and_once_disposed_lets_them_expire()
    {
        var ct = TestContext.Current.CancellationToken;
        var partition = NewPartition(concurrency: 1);
        var grain = fixture.Grain(partition.Key);
        var limiter = new KimiClusterRateLimiter(fixture.SiloGrains, new KimiClusterRateLimiterOptions { LeaseDuration = TimeSpan.FromSeconds(1) });
        using var lease = await limiter.AcquireAsync(partition, 0, TimeSpan.FromSeconds(10), ct);
        Assert.True(lease.IsAcquired);

        // Four seconds pass on the grain's clock, a renewal between each step: the 1-second lease stays held.
        for (var step = 0; step < 5; step++)
        {
            var renewals = (await grain.GetStatusAsync()).Renewals;
            await RateLimitWait.UntilAsync(async () => (await grain.GetStatusAsync()).Renewals > renewals, ct);
            fixture.Clock.Advance(TimeSpan.FromSeconds(0.8));
        }

        var held = await grain.GetStatusAsync();
        limiter.Dispose(); // renewals stop, as when a silo dies
        fixture.Clock.Advance(TimeSpan.FromSeconds(1.1));
        var expired = await grain.GetStatusAsync();

        Assert.Equal((1, 0), (held.SlotsInUse, held.Expired));
        Assert.Equal((0, 1), (expired.SlotsInUse, expired.Expired));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_caller_that_cannot_get_a_slot_in_time_is_refused_with_its_wait_and_gives_up_its_place()
    {
        var ct = TestContext.Current.CancellationToken;
        var partition = NewPartition(concurrency: 1);
        var grain = fixture.Grain(partition.Key);
        using var limiter = new KimiClusterRateLimiter(fixture.SiloGrains, new KimiClusterRateLimiterOptions { MaxPollInterval = TimeSpan.FromMilliseconds(20) });
        using var holder = await limiter.AcquireAsync(partition, 0, TimeSpan.FromSeconds(10), ct);

        using var refused = await limiter.AcquireAsync(partition, 0, TimeSpan.FromMilliseconds(300), ct);
        await RateLimitWait.UntilAsync(async () => (await grain.GetStatusAsync()).Queued == 0, ct);

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var cancelled = limiter.AcquireAsync(partition, 0, TimeSpan.FromMinutes(1), cancel.Token).AsTask();
        await RateLimitWait.UntilAsync(async () => (await grain.GetStatusAsync()).Queued == 1, ct);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await RateLimitWait.UntilAsync(async () => (await grain.GetStatusAsync()).Queued == 0, ct);

        holder.Dispose();
        await RateLimitWait.UntilAsync(async () => (await grain.GetStatusAsync()).SlotsInUse == 0, ct);
        using var after = await limiter.AcquireAsync(partition, 0, TimeSpan.FromSeconds(10), ct);

        Assert.True(holder.IsAcquired);
        Assert.False(refused.IsAcquired);
        Assert.Equal(TimeSpan.FromMilliseconds(300), refused.RetryAfter);
        Assert.True(after.IsAcquired);
        Assert.Equal(1, (await grain.GetStatusAsync()).SlotsInUse);
    }

    private static KimiRateLimitPartition NewPartition(int concurrency) =>
        new("Test", "https://limits.test/" + Guid.NewGuid().ToString("N"), "-", null, null, concurrency);
}
