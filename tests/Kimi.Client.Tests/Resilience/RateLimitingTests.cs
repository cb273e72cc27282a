using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>Client-side rate limits: off by default, shared per (provider, base URL, key), settled with real usage, held by open streams.</summary>
public class RateLimitingTests
{
    private static KimiClientOptions Limited(FaultServer server, Action<KimiRateLimitOptions> limit, string apiKey = TestClients.ApiKey)
    {
        var options = server.Options(KimiProvider.Moonshot, 1);
        options.ApiKey = apiKey;
        options.Resilience.TotalTimeout = TimeSpan.FromSeconds(10);
        limit(options.RateLimit);
        return options;
    }

    [Fact(Timeout = 20_000)]
    public async Task Requests_per_minute_beyond_the_budget_fail_at_once_with_RetryAfter_and_nothing_sent()
    {
        await using var server = await FaultServer.StartAsync(Ok);
        using var client = new KimiClient(Limited(server, r => r.RequestsPerMinute = 2), timeProvider: new FakeTimeProvider());
        var ct = TestContext.Current.CancellationToken;

        await StreamAsync(client, ct);
        await StreamAsync(client, ct);
        var ex = await Assert.ThrowsAsync<KimiClientRateLimitException>(() => StreamAsync(client, ct));

        Assert.Equal(2, server.Requests);
        Assert.InRange(ex.RetryAfter, TimeSpan.FromSeconds(29), TimeSpan.FromSeconds(31));
        Assert.Contains("client-side rate limit", ex.Message);
        Assert.Contains("TotalTimeout", ex.Message);
        Assert.Equal(KimiAttemptOutcome.NotSent, Assert.Single(ex.Attempts).Outcome);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_wait_within_the_budget_is_waited_out_on_the_clock()
    {
        await using var clock = new RunningClock();
        await using var server = await FaultServer.StartAsync(Ok);
        var options = Limited(server, r => r.RequestsPerMinute = 1);
        options.Resilience.TotalTimeout = TimeSpan.FromMinutes(5);
        using var client = new KimiClient(options, timeProvider: clock.Time);
        var ct = TestContext.Current.CancellationToken;

        await StreamAsync(client, ct);
        var before = clock.Time.GetUtcNow();
        await StreamAsync(client, ct);

        Assert.True(clock.Time.GetUtcNow() - before >= TimeSpan.FromSeconds(55));
        Assert.Equal(2, server.Requests);
    }

    [Fact(Timeout = 20_000)]
    public async Task Limits_are_shared_by_clients_with_the_same_key_and_not_across_keys()
    {
        await using var server = await FaultServer.StartAsync(Ok);
        var time = new FakeTimeProvider();
        using var a = new KimiClient(Limited(server, r => r.RequestsPerMinute = 1), timeProvider: time);
        using var b = new KimiClient(Limited(server, r => r.RequestsPerMinute = 1), timeProvider: time);
        using var other = new KimiClient(Limited(server, r => r.RequestsPerMinute = 1, apiKey: "another-key"), timeProvider: time);
        var ct = TestContext.Current.CancellationToken;

        await StreamAsync(a, ct);
        await Assert.ThrowsAsync<KimiClientRateLimitException>(() => StreamAsync(b, ct));
        await StreamAsync(other, ct);

        Assert.Equal(2, server.Requests);
    }

    [Fact(Timeout = 20_000)]
    public async Task Tokens_are_reserved_from_an_estimate_and_settled_with_the_real_usage()
    {
        await using var server = await FaultServer.StartAsync(Ok); // usage: 7 tokens
        var options = Limited(server, r => r.TokensPerMinute = 10_000);
        options.MaxOutputTokens = 6_000; // estimate ≈ 6,001: two unsettled calls would not fit in 10,000
        using var client = new KimiClient(options, timeProvider: new FakeTimeProvider());
        var ct = TestContext.Current.CancellationToken;

        for (var i = 0; i < 5; i++)
        {
            await StreamAsync(client, ct);
        }

        Assert.Equal(5, server.Requests); // without settling, the second call would wait 12 s: beyond the 10 s budget
    }

    [Theory(Timeout = 20_000)]
    [InlineData("error event")] // met in the buffer, beside the update before it
    [InlineData("html page")]   // met before the first event
    public async Task A_stream_that_failed_lets_go_of_its_concurrency_slot_before_its_enumerator_is_disposed(string failure)
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            if (Interlocked.Increment(ref calls) > 1)
            {
                await LoopbackServer.WriteSseAsync(context, ["data: {\"id\":\"b\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"]);
            }
            else if (failure == "html page")
            {
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body>Sign in</body></html>", context.RequestAborted);
            }
            else
            {
                await LoopbackServer.WriteSseAsync(context,
                [
                    "data: {\"id\":\"a\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Par\"}}]}\n\n" +
                    "event: error\ndata: {\"error\":{\"message\":\"upstream overloaded\",\"type\":\"server_error\"}}\n\n",
                ]);
            }
        });
        var options = TestClients.Options(KimiProvider.Moonshot, server.Url);
        options.RateLimit.MaxConcurrentRequests = 1;
        options.Resilience = new KimiResilienceOptions { MaxAttempts = 1, TotalTimeout = TimeSpan.FromMilliseconds(500) };
        using var client = new KimiClient(options);
        var ct = TestContext.Current.CancellationToken;

        var first = client.StreamAsync("Hello", cancellationToken: ct).GetAsyncEnumerator(ct);
        try
        {
            await Assert.ThrowsAnyAsync<KimiException>(async () =>
            {
                while (await first.MoveNextAsync())
                {
                }
            });

            // Not disposed yet: the failure itself let go of the slot, so the next call is not held (nor refused) behind it.
            var after = await StreamAsync(client, ct);
            Assert.Equal("Hello", after.Text);
        }
        finally
        {
            await first.DisposeAsync();
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task An_open_stream_holds_its_concurrency_slot_until_its_enumerator_is_disposed()
    {
        await using var server = await FaultServer.StartAsync(Stall(afterFirstChunk: TimeSpan.FromMilliseconds(200)));
        var options = Limited(server, r => r.MaxConcurrentRequests = 1);
        options.Resilience = new KimiResilienceOptions { MaxAttempts = 1, TotalTimeout = TimeSpan.FromMilliseconds(300) };
        using var client = new KimiClient(options);
        var ct = TestContext.Current.CancellationToken;

        var first = client.StreamAsync("Hello", cancellationToken: ct).GetAsyncEnumerator(ct);
        Assert.True(await first.MoveNextAsync());
        var blocked = await Assert.ThrowsAsync<KimiClientRateLimitException>(() => StreamAsync(client, ct));
        await first.DisposeAsync();
        var after = await StreamAsync(client, ct);

        Assert.Equal("Hello", after.Text);
        Assert.Equal(2, server.Requests);
        Assert.Contains("Moonshot", blocked.Message);
    }

    [Fact(Timeout = 10_000)]
    public void Presets_match_the_documented_tiers_and_explicit_values_win()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        static KimiRateLimitTier Tier(KimiProvider provider, string name) => provider.RateTiers.Single(t => t.Name == name);
        Assert.Equal((40, null, null), new KimiRateLimitOptions { Tier = "Free" }.Resolve(Tier(KimiProvider.Nvidia, "Free")));
        Assert.Equal((3, 500_000, 1), new KimiRateLimitOptions { Tier = "Tier0" }.Resolve(Tier(KimiProvider.Moonshot, "Tier0")));
        Assert.Equal((10_000, 5_000_000, 1_000), new KimiRateLimitOptions { Tier = "Tier5" }.Resolve(Tier(KimiProvider.Moonshot, "Tier5")));
        Assert.Equal((10, 500_000, 1), new KimiRateLimitOptions { Tier = "Tier0", RequestsPerMinute = 10 }.Resolve(Tier(KimiProvider.Moonshot, "Tier0")));
        Assert.False(Tier(KimiProvider.Moonshot, "Tier1").IsVerified);
        Assert.True(Tier(KimiProvider.Moonshot, "Tier5").IsVerified);
        Assert.False(new KimiRateLimitOptions().IsEnabled);
    }

    [Fact(Timeout = 10_000)]
    public void Rate_limits_bind_from_configuration_and_are_validated()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kimi:Provider"] = "Moonshot",
            ["Kimi:ApiKey"] = TestClients.ApiKey,
            ["Kimi:RateLimit:Tier"] = "tier1",
            ["Kimi:RateLimit:TokensPerMinute"] = "1000",
        }).Build();
        var services = new ServiceCollection();
        services.AddKimiClient(configuration.GetSection("Kimi"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<KimiClientOptions>>().Value;

        Assert.Equal("tier1", options.RateLimit.Tier);
        Assert.Equal((200, 1000, 50), options.RateLimit.Resolve(KimiProvider.Moonshot.RateTiers.Single(t => t.Name == "Tier1")));
        Assert.Contains(new KimiClientOptions { ApiKey = "test-key", RateLimit = { RequestsPerMinute = 0 } }.Validate(), r => r.Contains("RateLimit:RequestsPerMinute"));
        Assert.Contains(new KimiClientOptions { ApiKey = "test-key", RateLimit = { Tier = "MoonshotTier1" } }.Validate(), r => r.Contains("Tier0, Tier1"));
    }

    [Fact(Timeout = 10_000)]
    public void Every_rate_limit_binds_from_configuration_failover_targets_included_and_an_unreadable_value_is_reported_with_its_path()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        static KimiClientOptions Bind(Dictionary<string, string?> values)
        {
            var services = new ServiceCollection();
            services.AddKimiClient(new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Kimi"));
            using var provider = services.BuildServiceProvider();
            return provider.GetRequiredService<IOptionsMonitor<KimiClientOptions>>().Get(Options.DefaultName);
        }

        var options = Bind(new()
        {
            ["Kimi:Provider"] = "Moonshot",
            ["Kimi:ApiKey"] = TestClients.ApiKey,
            ["Kimi:RateLimit:RequestsPerMinute"] = "60",
            ["Kimi:RateLimit:TokensPerMinute"] = "90000",
            ["Kimi:RateLimit:MaxConcurrentRequests"] = "4",
            ["Kimi:Failover:0:Provider"] = "Nvidia",
            ["Kimi:Failover:0:ApiKey"] = TestClients.ApiKey,
            ["Kimi:Failover:0:RateLimit:Tier"] = "Free",
            ["Kimi:Failover:0:RateLimit:MaxConcurrentRequests"] = "2",
        });
        var bad = new KimiClientOptions();
        Kimi.Client.DependencyInjection.KimiConfigurationBinder.Bind(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["RateLimit:MaxConcurrentRequests"] = "many" }).Build(), bad);

        Assert.Equal((60, 90_000, 4), (options.RateLimit.RequestsPerMinute, options.RateLimit.TokensPerMinute, options.RateLimit.MaxConcurrentRequests));
        Assert.Null(options.RateLimit.Tier);
        Assert.Null(options.RateLimit.Limiter); // code only
        var target = Assert.Single(options.Failover).RateLimit!;
        Assert.Equal(("Free", (int?)2), (target.Tier, target.MaxConcurrentRequests));
        Assert.Null(bad.RateLimit.MaxConcurrentRequests);
        Assert.Contains(bad.Validate(), p => p.Contains("Kimi:RateLimit:MaxConcurrentRequests must be a whole number; got 'many'", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public void A_keys_limiter_is_shared_while_a_client_uses_it_and_released_when_none_does()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var options = new KimiClientOptions { ApiKey = $"test-key-{Guid.NewGuid():N}", RateLimit = { RequestsPerMinute = 5 } };
        var probe = new Kimi.Client.Http.ClientSettings(options);

        Assert.True(SharedWhileUsed(options)); // a second client with the same key shares the limiter

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.False(Kimi.Client.RateLimiting.ProviderRateLimiter.IsLive(probe)); // nothing holds it: the registry lets it go
    }

    // Two clients' settings resolve the limiter while both are alive; nothing strong leaves this method.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static bool SharedWhileUsed(KimiClientOptions options)
    {
        var first = new Kimi.Client.Http.ClientSettings(options);
        var second = new Kimi.Client.Http.ClientSettings(options);
        var shared = first.RateLimiter is { } limiter && ReferenceEquals(limiter, second.RateLimiter) && Kimi.Client.RateLimiting.ProviderRateLimiter.IsLive(first);
        GC.KeepAlive(first);
        GC.KeepAlive(second);
        return shared;
    }
}
