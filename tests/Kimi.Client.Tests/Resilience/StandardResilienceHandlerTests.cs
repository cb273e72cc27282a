using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Kimi.Client.Tests.Resilience.FaultServer;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// App-wide <c>AddStandardResilienceHandler()</c> (Aspire's default) would kill LLM calls at 10 s per attempt and 30 s in all:
/// AddKimiClient removes it, keeps HttpClient.Timeout infinite, and attaches its own pipeline.
/// </summary>
public class StandardResilienceHandlerTests
{
    [Fact(Timeout = 20_000)]
    public async Task AddKimiClient_under_ConfigureHttpClientDefaults_is_not_bound_by_the_standard_10_s_and_30_s_limits()
    {
        var time = new FakeTimeProvider();
        await using var server = await FaultServer.StartAsync(async context =>
        {
            time.Advance(TimeSpan.FromSeconds(45)); // a 45 s thinking call, on the clock every handler reads
            await Task.Delay(100, context.RequestAborted);
            await Ok(context);
        });
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler());
        services.AddHttpClient("plain");
        services.AddKimiClient(o =>
        {
            o.Provider = KimiProvider.Moonshot;
            o.ApiKey = TestClients.ApiKey;
            o.Endpoint = new Uri(server.Server.Url + "/v1");
        });
        await using var provider = services.BuildServiceProvider();
        var ct = TestContext.Current.CancellationToken;

        // Control: the same slow answer through a client that keeps the standard handler is cut off.
        var plain = provider.GetRequiredService<IHttpClientFactory>().CreateClient("plain");
        await Assert.ThrowsAnyAsync<Exception>(() => plain.PostAsync(server.Server.Url + "/v1/chat/completions", new StringContent("{}"), ct));

        var streamed = await StreamAsync(provider.GetRequiredService<KimiClient>(), ct);

        Assert.Equal("Hello", streamed.Text);
        Assert.Equal(Timeout.InfiniteTimeSpan, provider.GetRequiredService<IHttpClientFactory>().CreateClient(KimiServiceCollectionExtensions.HttpClientName).Timeout);
        Assert.Equal(2, server.Requests);
    }
}
