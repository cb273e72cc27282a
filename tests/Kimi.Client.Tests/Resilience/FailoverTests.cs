using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// Failover, the outermost loop: Moonshot → DeepInfra → NVIDIA in order, cooldowns, model ids per provider, foreign
/// reasoning stripped with a warning, every attempt recorded, and never once output has reached the caller.
/// </summary>
public class FailoverTests
{
    private static KimiClientOptions Chain(FaultServer moonshot, FaultServer deepInfra, FaultServer? nvidia, int maxAttempts)
    {
        var options = moonshot.Options(KimiProvider.Moonshot, maxAttempts);
        options.Failover.Add(new KimiFailoverTarget { Provider = KimiProvider.DeepInfra, ApiKey = TestClients.ApiKey, Endpoint = new Uri(deepInfra.Server.Url + "/v1/openai") });
        if (nvidia is not null)
        {
            options.Failover.Add(new KimiFailoverTarget { Provider = KimiProvider.Nvidia, ApiKey = TestClients.ApiKey, Endpoint = new Uri(nvidia.Server.Url + "/v1") });
        }

        return options;
    }

    [Fact(Timeout = 20_000)]
    public async Task Moonshot_then_DeepInfra_then_NVIDIA_in_order_with_each_model_id_and_every_attempt()
    {
        await using var moonshot = await FaultServer.StartAsync(Json(503, Body(KimiProvider.Moonshot, 503, "overloaded")));
        await using var deepInfra = await FaultServer.StartAsync(Json(429, Body(KimiProvider.DeepInfra, 429, "Model busy, retry later")));
        await using var nvidia = await FaultServer.StartAsync(Ok);
        using var client = new KimiClient(Chain(moonshot, deepInfra, nvidia, 3), timeProvider: new FakeTimeProvider());

        var completion = await StreamAsync(client, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        Assert.Equal([KimiProvider.Moonshot, KimiProvider.DeepInfra, KimiProvider.Nvidia], completion.Attempts.Select(a => a.Provider));
        Assert.Equal([HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], completion.Attempts.Select(a => a.Status!.Value));
        Assert.Equal(KimiAttemptOutcome.FailedOver, completion.Attempts[0].Outcome);
        Assert.StartsWith("503", completion.Attempts[0].Detail);
        Assert.Equal(KimiAttemptOutcome.FailedOver, completion.Attempts[1].Outcome);
        Assert.StartsWith("429", completion.Attempts[1].Detail);
        Assert.Equal((1, 1, 1), (moonshot.Requests, deepInfra.Requests, nvidia.Requests)); // retries leave a try for each target
        Assert.Contains("\"model\":\"kimi-k2.6\"", moonshot.Server.RequestBodies.Single());
        Assert.Contains("\"model\":\"moonshotai/Kimi-K2.6\"", deepInfra.Server.RequestBodies.Single());
        Assert.Contains("\"model\":\"moonshotai/kimi-k2.6\"", nvidia.Server.RequestBodies.Single());
    }

    [Fact(Timeout = 20_000)]
    public async Task When_every_provider_fails_the_exception_carries_every_attempt()
    {
        await using var moonshot = await FaultServer.StartAsync(Json(503, Body(KimiProvider.Moonshot, 503, "overloaded")));
        await using var deepInfra = await FaultServer.StartAsync(Json(502, Body(KimiProvider.DeepInfra, 502, "bad gateway")));
        await using var nvidia = await FaultServer.StartAsync(Json(429, Body(KimiProvider.Nvidia, 429, "Too Many Requests"), ("Retry-After", "999")));
        using var client = new KimiClient(Chain(moonshot, deepInfra, nvidia, 3), timeProvider: new FakeTimeProvider());

        var ex = await Assert.ThrowsAsync<KimiRateLimitException>(() => client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(TimeSpan.FromSeconds(999), ex.RetryAfter);
        Assert.Equal(KimiProvider.Nvidia, ex.Provider);
        Assert.Equal([KimiProvider.Moonshot, KimiProvider.DeepInfra, KimiProvider.Nvidia], ex.Attempts.Select(a => a.Provider));
        Assert.All(ex.Attempts, a => Assert.True(a.Duration >= TimeSpan.Zero));
        Assert.Equal(KimiAttemptOutcome.Failed, ex.Attempts[^1].Outcome);
        Assert.StartsWith("429", ex.Attempts[^1].Detail);
    }

    [Fact(Timeout = 20_000)]
    public async Task NVIDIAs_404_function_not_found_is_not_retried_but_fails_over()
    {
        await using var nvidia = await FaultServer.StartAsync(Json(404, """{"status":404,"title":"Not Found","detail":"Function '23d4': Not found for account 'abc'"}"""));
        await using var moonshot = await FaultServer.StartAsync(Ok);
        var options = nvidia.Options(KimiProvider.Nvidia, 5);
        options.Failover.Add(new KimiFailoverTarget { Provider = KimiProvider.Moonshot, ApiKey = TestClients.ApiKey, Endpoint = new Uri(moonshot.Server.Url + "/v1") });
        using var client = new KimiClient(options, timeProvider: new FakeTimeProvider());

        var completion = await StreamAsync(client, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", completion.Text);
        Assert.Equal(1, nvidia.Requests);
        Assert.Equal([KimiProvider.Nvidia, KimiProvider.Moonshot], completion.Attempts.Select(a => a.Provider));
        Assert.Contains("KimiModelNotFoundException", completion.Attempts[0].Detail);
    }

    [Fact(Timeout = 20_000)]
    public async Task A_provider_that_failed_is_skipped_while_it_cools_down()
    {
        var time = new FakeTimeProvider();
        await using var moonshot = await FaultServer.StartAsync(Json(503, Body(KimiProvider.Moonshot, 503, "overloaded")), Ok);
        await using var deepInfra = await FaultServer.StartAsync(Ok);
        using var client = new KimiClient(Chain(moonshot, deepInfra, null, 2), timeProvider: time);
        var ct = TestContext.Current.CancellationToken;

        var first = await StreamAsync(client, ct);
        var second = await StreamAsync(client, ct);
        time.Advance(TimeSpan.FromSeconds(31));
        var third = await StreamAsync(client, ct);

        Assert.Equal([KimiProvider.Moonshot, KimiProvider.DeepInfra], first.Attempts.Select(a => a.Provider));
        Assert.Equal([KimiProvider.DeepInfra], second.Attempts.Select(a => a.Provider)); // Moonshot cooling: not tried
        Assert.Equal([KimiProvider.Moonshot], third.Attempts.Select(a => a.Provider));
        Assert.Equal((2, 2), (moonshot.Requests, deepInfra.Requests));
    }

    [Fact(Timeout = 20_000)]
    public async Task Reasoning_from_another_provider_is_stripped_and_Moonshot_tool_call_turns_get_the_placeholder_with_a_warning()
    {
        await using var nvidia = await FaultServer.StartAsync(Json(503, Body(KimiProvider.Nvidia, 503, "Service Unavailable")));
        await using var moonshot = await FaultServer.StartAsync(Ok);
        var options = nvidia.Options(KimiProvider.Nvidia, 2);
        options.Failover.Add(new KimiFailoverTarget { Provider = KimiProvider.Moonshot, ApiKey = TestClients.ApiKey, Endpoint = new Uri(moonshot.Server.Url + "/v1") });
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)));
        using var client = new KimiClient(options, loggerFactory, new FakeTimeProvider());
        var assistant = KimiMessage.Assistant(string.Empty);
        assistant.Reasoning = "nvidia-private-thoughts";
        assistant.ReasoningOrigin = client.Settings.Origin;
        assistant.ToolCalls.Add(new ToolCall("call-1", "get_time", "{}"));
        KimiMessage[] history = [KimiMessage.User("What time is it?"), assistant, KimiMessage.Tool("call-1", "12:00"), KimiMessage.User("And now?")];

        var stream = client.StreamAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var _ in stream)
        {
        }

        Assert.Contains("nvidia-private-thoughts", nvidia.Server.RequestBodies.Single());
        var wire = moonshot.Server.RequestBodies.Single();
        Assert.DoesNotContain("nvidia-private-thoughts", wire);
        Assert.Contains("\"reasoning_content\":\" \"", wire);
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("nvidia/moonshotai/kimi-k2.6", StringComparison.Ordinal));
    }

    [Fact(Timeout = 20_000)]
    public async Task Once_output_reached_the_caller_there_is_no_failover()
    {
        await using var moonshot = await FaultServer.StartAsync(CutAfterFirstChunk);
        await using var deepInfra = await FaultServer.StartAsync(Ok);
        using var client = new KimiClient(Chain(moonshot, deepInfra, null, 3), timeProvider: new FakeTimeProvider());

        var ex = await Assert.ThrowsAsync<KimiStreamIncompleteException>(() => StreamAsync(client, TestContext.Current.CancellationToken));

        Assert.Equal("Hel", ex.PartialCompletion!.Text);
        Assert.Equal(0, deepInfra.Requests);
        Assert.Equal(KimiProvider.Moonshot, Assert.Single(ex.Attempts).Provider);
    }
}
