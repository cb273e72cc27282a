using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Agents;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Tests.Providers;

/// <summary>A host described only in configuration runs like a built-in one; bad descriptions fail at start (conformance 42).</summary>
public class ConfiguredHostTests
{
    private const string Model = "acme/kimi-k2.6-int4";

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi"));
        return builder;
    }

    private static Dictionary<string, string?> AcmeSettings(Uri endpoint, string keyVariable) => new()
    {
        ["Kimi:Provider"] = "acme",   // names are case-insensitive
        ["Kimi:Hosts:Acme:BasedOn"] = "Vllm",
        ["Kimi:Hosts:Acme:DisplayName"] = "Acme gateway",
        ["Kimi:Hosts:Acme:Endpoint"] = endpoint.ToString(),
        ["Kimi:Hosts:Acme:Model"] = Model,
        ["Kimi:Hosts:Acme:ApiKeyVariable"] = keyVariable,
        ["Kimi:Hosts:Acme:RequiresApiKey"] = "true",
        ["Kimi:Hosts:Acme:ThinkingSwitch"] = "ReasoningEffort",
        ["Kimi:Hosts:Acme:ReasoningWriteFields:0"] = "reasoning_content",
        ["Kimi:Hosts:Acme:ContextWindow"] = "32768",
        ["Kimi:Hosts:Acme:InputPricePerMillion"] = "0.5",
        ["Kimi:Hosts:Acme:CachedInputPricePerMillion"] = "0.1",
        ["Kimi:Hosts:Acme:OutputPricePerMillion"] = "2",
    };

    private static KimiProvider AcmeInCode(Uri endpoint, string keyVariable) => KimiProvider.Vllm with
    {
        Name = "Acme",
        DisplayName = "Acme gateway",
        Endpoint = endpoint,
        Model = Model,
        ApiKeyVariable = keyVariable,
        RequiresApiKey = true,
        ThinkingSwitch = KimiThinkingSwitch.ReasoningEffort,
        ReasoningWriteFields = ["reasoning_content"],
        ContextWindow = 32_768,
        Pricing = new KimiPricing(0.5m, 0.1m, 2m),
    };

    [Fact(Timeout = 30_000)]
    public async Task A_host_from_appsettings_runs_a_streaming_tool_loop_and_the_wire_shows_every_override()
    {
        var keyVariable = $"ACME_KEY_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(keyVariable, "acme-test-key");
        try
        {
            await using var emulator = Scripted(KimiProvider.Vllm with { Model = Model });
            var endpoint = await emulator.StartAsync(TestContext.Current.CancellationToken);
            using var host = Builder(AcmeSettings(endpoint, keyVariable)).Build();
            await host.StartAsync(TestContext.Current.CancellationToken);
            var client = host.Services.GetRequiredService<KimiClient>();

            var result = await new KimiAgent(client, [AgentHarness.Weather()], new KimiAgentOptions { UseStreaming = true })
                .RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

            Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
            Assert.Equal("Sunny.", result.Text);
            Assert.Equal("Acme", client.Provider.Name);
            Assert.Equal(32_768, client.Provider.ContextWindow);
            var requests = emulator.Requests;
            Assert.Equal(2, requests.Count);
            foreach (var request in requests)
            {
                Assert.Equal("Bearer acme-test-key", request.Headers["Authorization"]);
                Assert.Equal(Model, request.Json.GetProperty("model").GetString());
                Assert.True(request.Json.GetProperty("stream").GetBoolean());
                Assert.False(request.Json.TryGetProperty("chat_template_kwargs", out _), "the ReasoningEffort switch sends nothing for thinking on");
            }

            // The tool-call turn goes back with reasoning_content only: vLLM's default "reasoning" field was overridden away.
            var turn = requests[1].Json.GetProperty("messages")[2];
            Assert.Equal("I need the weather.", turn.GetProperty("reasoning_content").GetString());
            Assert.False(turn.TryGetProperty("reasoning", out _));
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            Environment.SetEnvironmentVariable(keyVariable, null);
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task The_same_host_built_in_code_with_with_sends_the_same_bytes()
    {
        var keyVariable = $"ACME_KEY_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(keyVariable, "acme-test-key");
        try
        {
            await using var emulator = Scripted(KimiProvider.Vllm with { Model = Model }, times: 2);
            var endpoint = await emulator.StartAsync(TestContext.Current.CancellationToken);
            using var host = Builder(AcmeSettings(endpoint, keyVariable)).Build();
            await host.StartAsync(TestContext.Current.CancellationToken);
            using var inCode = new KimiClient(new KimiClientOptions { Provider = AcmeInCode(endpoint, keyVariable) });

            foreach (var client in new[] { host.Services.GetRequiredService<KimiClient>(), inCode })
            {
                await new KimiAgent(client, [AgentHarness.Weather()], new KimiAgentOptions { UseStreaming = true })
                    .RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);
            }

            var requests = emulator.Requests;
            Assert.Equal(4, requests.Count);
            JsonAssert.Equal(requests[0].Body, requests[2].Body);
            JsonAssert.Equal(requests[1].Body, requests[3].Body);
            Assert.Equal(requests[0].Headers["Authorization"], requests[2].Headers["Authorization"]);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            Environment.SetEnvironmentVariable(keyVariable, null);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task An_unknown_provider_name_fails_at_start_listing_the_known_ones()
    {
        using var host = Builder(new() { ["Kimi:Provider"] = "OpenRuter", ["Kimi:ApiKey"] = "test-key", ["Kimi:Hosts:Acme:BasedOn"] = "Vllm" }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Provider 'OpenRuter' is not a known host", ex.Message);
        Assert.Contains("Known providers: Moonshot, MoonshotChina, DeepInfra, Nvidia, Vllm, SGLang, KTransformers, Ollama, OllamaCloud, CloudflareWorkersAI, OpenRouter, Acme", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_configured_host_without_an_endpoint_fails_at_start_naming_its_path()
    {
        using var host = Builder(new() { ["Kimi:Provider"] = "Acme", ["Kimi:Hosts:Acme:BasedOn"] = "Vllm", ["Kimi:Hosts:Acme:Model"] = Model }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Hosts:Acme:Endpoint is required", ex.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Kimi:Hosts:Acme:BasedOn", "", "Kimi:Hosts:Acme:BasedOn is required")]
    [InlineData("Kimi:Hosts:Acme:BasedOn", "Nothing", "Kimi:Hosts:Acme:BasedOn 'Nothing' is not a known host")]
    [InlineData("Kimi:Hosts:Acme:ThinkingSwitch", "Telepathy", "Kimi:Hosts:Acme:ThinkingSwitch 'Telepathy' is not a known switch")]
    [InlineData("Kimi:Hosts:Acme:Endpoint", "ftp://llm/v1", "Kimi:Hosts:Acme:Endpoint must be an absolute http(s) base URL")]
    [InlineData("Kimi:Hosts:Acme:InputPricePerMillion", "1", "set all three of InputPricePerMillion")]
    public async Task A_bad_host_description_fails_at_start_naming_the_setting(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kimi:Provider"] = "Acme",
            ["Kimi:Hosts:Acme:BasedOn"] = "Vllm",
            ["Kimi:Hosts:Acme:Endpoint"] = "http://llm.acme.test/v1",
        };
        settings[key] = value;
        using var host = Builder(settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_host_cannot_silently_replace_a_built_in_one_but_may_with_Override()
    {
        var clash = new Dictionary<string, string?> { ["Kimi:Provider"] = "Nvidia", ["Kimi:ApiKey"] = "test-key", ["Kimi:Hosts:nvidia:BasedOn"] = "Nvidia", ["Kimi:Hosts:nvidia:Model"] = "nvidia/kimi-k2.6-fp8" };
        using (var host = Builder(clash).Build())
        {
            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
            Assert.Contains("Kimi:Hosts:nvidia has the name of the built-in host Nvidia", ex.Message);
            Assert.Contains("Override", ex.Message);
        }

        clash["Kimi:Hosts:nvidia:Override"] = "true";
        using (var host = Builder(clash).Build())
        {
            await host.StartAsync(TestContext.Current.CancellationToken);
            var client = host.Services.GetRequiredService<KimiClient>();
            Assert.Equal("nvidia/kimi-k2.6-fp8", client.Model);
            Assert.Equal("nvidia", client.Provider.Dialect);
            Assert.Equal(65_536, client.Provider.MaxOutputTokensLimit);
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task A_failover_target_may_name_a_configured_host_and_its_missing_key_fails_at_start()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Kimi:Provider"] = "Moonshot",
            ["Kimi:ApiKey"] = "test-key",
            ["Kimi:Hosts:Backup:BasedOn"] = "DeepInfra",
            ["Kimi:Hosts:Backup:ApiKeyVariable"] = $"NO_SUCH_KEY_{Guid.NewGuid():N}",
            ["Kimi:Failover:0:Provider"] = "Backup",
        };
        using var host = Builder(settings).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Failover:0:ApiKey is required for Backup", ex.Message);
    }

    private static KimiEmulator Scripted(KimiProvider provider, int times = 1)
    {
        var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider, ApiKey = "acme-test-key" });
        for (var i = 0; i < times; i++)
        {
            emulator.Enqueue(EmulatorReply.FromToolCalls("I need the weather.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
            emulator.Enqueue(EmulatorReply.FromText("Sunny.", "The tool said so."));
        }

        return emulator;
    }
}
