using System.Net;
using Kimi.Client.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.HealthChecks;

/// <summary>The ASP.NET Core health check on the verifier's cheapest probe (P0), against the emulator over loopback HTTP.</summary>
public class KimiHealthCheckTests
{
    private const string Key = "hc-key-SENTINEL-77aa";

    private static async Task<(WebApplication App, string Url)> StartAppAsync(KimiEmulator emulator, Action<KimiClientOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddKimiClient(o =>
        {
            o.Provider = emulator.Options.Provider;
            o.Endpoint = emulator.BaseAddress;
            o.ApiKey = Key;
            o.Resilience.MaxAttempts = 1;
            configure(o);
        });
        builder.Services.AddHealthChecks().AddKimi(tags: ["ready"]);
        var app = builder.Build();
        app.MapHealthChecks("/healthz");
        await app.StartAsync(TestContext.Current.CancellationToken);
        return (app, app.Urls.First());
    }

    [Fact(Timeout = 60_000)]
    public async Task A_host_that_lists_the_model_is_healthy_over_http()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.Moonshot, ApiKey = Key });
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        var (app, url) = await StartAppAsync(emulator, static _ => { });
        await using var _ = app;
        using var http = new HttpClient();

        var response = await http.GetAsync(url + "/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var request = Assert.Single(emulator.Requests);
        Assert.Equal("GET", request.Method);
        Assert.EndsWith("/v1/models", request.Path);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_model_the_host_no_longer_lists_is_unhealthy()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.Moonshot, ApiKey = Key });
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        var (app, url) = await StartAppAsync(emulator, static o => o.Model = "kimi-k2.5");
        await using var _ = app;
        using var http = new HttpClient();

        var response = await http.GetAsync(url + "/healthz", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_bad_key_is_the_failure_status_and_its_description_holds_no_key()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.Moonshot, ApiKey = "the-real-key" });
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        var services = new ServiceCollection();
        services.AddKimiClient(o =>
        {
            o.Provider = KimiProvider.Moonshot;
            o.Endpoint = emulator.BaseAddress;
            o.ApiKey = Key;
            o.Resilience.MaxAttempts = 1;
        });
        services.AddHealthChecks().AddKimi(failureStatus: HealthStatus.Degraded);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = report.Entries["kimi"];
        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal("error", entry.Data["verdict"]);
        Assert.Contains("Invalid Authentication", entry.Description);
        Assert.DoesNotContain(Key, entry.Description);
        Assert.All(entry.Data.Values, value => Assert.DoesNotContain(Key, value.ToString()));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_keyed_client_is_checked_by_its_key()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.Vllm });
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        var services = new ServiceCollection();
        services.AddKimiClient("backup", o =>
        {
            o.Provider = KimiProvider.Vllm;
            o.Endpoint = emulator.BaseAddress;
        });
        services.AddHealthChecks().AddKimi("kimi-backup", serviceKey: "backup");
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        var entry = report.Entries["kimi-backup"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("Vllm", entry.Data["provider"]);
        Assert.Contains("context 262144", entry.Description);
    }
}
