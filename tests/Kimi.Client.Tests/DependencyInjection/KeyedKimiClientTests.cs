using Kimi.Client.AI;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Tests.DependencyInjection;

/// <summary><c>services.AddKimiClient("nvidia", …)</c>: one named configuration, settings and HTTP pipeline per key.</summary>
public class KeyedKimiClientTests
{
    private static HostApplicationBuilder NewBuilder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        return builder;
    }

    [Fact(Timeout = 10_000)]
    public async Task Keyed_clients_bind_their_own_sections_and_resolve_with_FromKeyedServices()
    {
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kimi:Nvidia:Provider"] = "Nvidia",
            ["Kimi:Nvidia:ApiKey"] = TestClients.ApiKey,
            ["Kimi:DeepInfra:Provider"] = "DeepInfra",
            ["Kimi:DeepInfra:ApiKey"] = TestClients.ApiKey,
            ["Kimi:DeepInfra:Thinking"] = "Disabled",
        });
        builder.Services.AddKimiClient("nvidia", builder.Configuration.GetSection("Kimi:Nvidia"));
        builder.Services.AddKimiClient("deepinfra", builder.Configuration.GetSection("Kimi:DeepInfra"));
        builder.Services.AddSingleton<TwoProviders>();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var both = host.Services.GetRequiredService<TwoProviders>();

        Assert.Equal(KimiProvider.Nvidia, both.Nvidia.Provider);
        Assert.Equal("moonshotai/kimi-k2.6", both.Nvidia.Model);
        Assert.Equal(KimiProvider.DeepInfra, both.DeepInfra.Provider);
        Assert.Equal(ThinkingMode.Disabled, host.Services.GetRequiredService<IOptionsMonitor<KimiClientOptions>>().Get("deepinfra").Thinking);
        Assert.Null(host.Services.GetService<KimiClient>());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task Environment_variables_bind_through_double_underscores()
    {
        var prefix = $"KIMITEST{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Kimi__Provider", "SGLang");
        Environment.SetEnvironmentVariable(prefix + "Kimi__Endpoint", "http://gpu-box:30000/v1");
        try
        {
            var builder = NewBuilder();
            builder.Configuration.AddEnvironmentVariables(prefix);
            builder.Services.AddKimiClient("local", builder.Configuration.GetSection("Kimi"));
            using var host = builder.Build();
            await host.StartAsync(TestContext.Current.CancellationToken);

            var client = host.Services.GetRequiredKeyedService<KimiClient>("local");

            Assert.Equal(KimiProvider.SGLang, client.Provider);
            Assert.Equal(new Uri("http://gpu-box:30000/v1"), client.Endpoint);
            Assert.Equal("sglang", client.AsIChatClient().GetService<ChatClientMetadata>()!.ProviderName);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Kimi__Provider", null);
            Environment.SetEnvironmentVariable(prefix + "Kimi__Endpoint", null);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task A_bad_keyed_setting_fails_start_naming_the_key_and_the_setting_path()
    {
        var builder = NewBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kimi:Default:ApiKey"] = TestClients.ApiKey,
            ["Kimi:Local:Provider"] = "Vllm",
            ["Kimi:Local:MaxOutputTokens"] = "0",
        });
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi:Default"));
        builder.Services.AddKimiClient("local", builder.Configuration.GetSection("Kimi:Local"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal("local", ex.OptionsName);
        Assert.Contains("Kimi client 'local': Kimi:Local:Endpoint is required for self-hosted vLLM", ex.Message);
        Assert.Contains("Kimi client 'local': Kimi:Local:MaxOutputTokens must be between 1 and 262144", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_keyed_hosted_client_without_a_key_fails_start_naming_it()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DEEPINFRA_API_KEY")))
        {
            return; // the machine's key would satisfy the check
        }

        var builder = NewBuilder();
        builder.Services.AddKimiClient("backup", o => o.Provider = KimiProvider.DeepInfra);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi client 'backup': Kimi:ApiKey is required for DeepInfra", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Each_key_gets_its_own_HttpClient_name_and_settings_and_calls_its_own_server()
    {
        await using var nvidia = new Testing.KimiEmulator(new Testing.KimiEmulatorOptions { Provider = KimiProvider.Nvidia });
        await using var local = new Testing.KimiEmulator(new Testing.KimiEmulatorOptions { Provider = KimiProvider.Vllm });
        var builder = NewBuilder();
        builder.Services.AddKimiClient("nvidia", o => { o.Provider = KimiProvider.Nvidia; o.ApiKey = TestClients.ApiKey; o.Endpoint = nvidia.BaseAddress; })
            .ConfigurePrimaryHttpMessageHandler(() => nvidia.CreateHandler());
        builder.Services.AddKimiClient("local", o => { o.Provider = KimiProvider.Vllm; o.Endpoint = local.BaseAddress; })
            .ConfigurePrimaryHttpMessageHandler(() => local.CreateHandler());
        builder.Services.AddKeyedKimiChatClient("nvidia");
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var viaNvidia = await host.Services.GetRequiredKeyedService<IChatClient>("nvidia").GetResponseAsync("Hi from NVIDIA", cancellationToken: TestContext.Current.CancellationToken);
        var viaLocal = await host.Services.GetRequiredKeyedService<KimiClient>("local").CompleteAsync("Hi from vLLM", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains("Hi from NVIDIA", viaNvidia.Text);
        Assert.Contains("Hi from vLLM", viaLocal.Text);
        Assert.Single(nvidia.Requests);
        Assert.Single(local.Requests);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private sealed class TwoProviders([FromKeyedServices("nvidia")] KimiClient nvidia, [FromKeyedServices("deepinfra")] KimiClient deepInfra)
    {
        public KimiClient Nvidia { get; } = nvidia;

        public KimiClient DeepInfra { get; } = deepInfra;
    }
}
