using System.Text.Json.Nodes;
using Kimi.Client.AI;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Agents;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Tests.Providers;

/// <summary>
/// OpenRouter's routing, fallbacks and attribution from configuration (<c>Kimi:Hosts:&lt;Name&gt;</c> based on OpenRouter), giving
/// the same bytes as the host built in code; and the Microsoft.Extensions.AI mapping of its session id, end-user id, reasoning
/// details, upstream and cost.
/// </summary>
public class OpenRouterConfigurationTests
{
    private static string Fixture(string name) => Fixtures.Text($"Providers/Fixtures/{name}");

    private static Dictionary<string, string?> RouterSettings(string endpoint) => new()
    {
        ["Kimi:Provider"] = "Router",
        ["Kimi:ApiKey"] = "sk-or-v1-test",
        ["Kimi:Hosts:Router:BasedOn"] = "OpenRouter",
        ["Kimi:Hosts:Router:Endpoint"] = endpoint,
        ["Kimi:Hosts:Router:Routing:Only:0"] = "moonshotai",
        ["Kimi:Hosts:Router:Routing:AllowFallbacks"] = "false",
        ["Kimi:Hosts:Router:Routing:RequireParameters"] = "true",
        ["Kimi:Hosts:Router:Routing:DataCollection"] = "Deny",
        ["Kimi:Hosts:Router:Routing:Sort"] = "Throughput",
        ["Kimi:Hosts:Router:Routing:MaxPrice:Prompt"] = "1",
        ["Kimi:Hosts:Router:Routing:MaxPrice:Completion"] = "4",
        ["Kimi:Hosts:Router:FallbackModels:0"] = "moonshotai/kimi-k2.5",
        ["Kimi:Hosts:Router:Attribution:AppUrl"] = "https://example.app",
        ["Kimi:Hosts:Router:Attribution:AppTitle"] = "Example",
        ["Kimi:Hosts:Router:Attribution:Categories:0"] = "cli-agent",
    };

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi"));
        return builder.Build();
    }

    [Fact(Timeout = 20_000)]
    public async Task A_router_host_from_configuration_sends_the_same_bytes_and_headers_as_the_one_built_in_code()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var host = Build(RouterSettings(server.Url + "/api/v1"));
        await host.StartAsync(TestContext.Current.CancellationToken);
        var inCode = KimiProvider.OpenRouter with
        {
            Name = "Router",
            DisplayName = "Router",
            Endpoint = new Uri(server.Url + "/api/v1"),
            Routing = new OpenRouterRouting(Only: ["moonshotai"], AllowFallbacks: false, RequireParameters: true, DataCollection: OpenRouterDataPolicy.Deny,
                Sort: OpenRouterSort.Throughput, MaxPrice: new OpenRouterMaxPrice(Prompt: 1, Completion: 4)),
            FallbackModels = ["moonshotai/kimi-k2.5"],
            Attribution = new OpenRouterAttribution(new Uri("https://example.app"), "Example", ["cli-agent"]),
        };
        using var codeClient = new KimiClient(new KimiClientOptions { Provider = inCode, ApiKey = "sk-or-v1-test" });

        await host.Services.GetRequiredService<KimiClient>().CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await codeClient.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);

        var (configured, coded) = (server.Server.LogEntries[0].RequestMessage, server.Server.LogEntries[1].RequestMessage);
        Assert.Equal(coded.Body, configured.Body); // byte for byte
        JsonAssert.Equal(
            """{"only":["moonshotai"],"allow_fallbacks":false,"require_parameters":true,"data_collection":"deny","sort":"throughput","max_price":{"prompt":"1","completion":"4"}}""",
            JsonNode.Parse(configured.Body!)!["provider"]!.ToJsonString());
        Assert.Equal(["moonshotai/kimi-k2.6", "moonshotai/kimi-k2.5"], JsonNode.Parse(configured.Body!)!["models"]!.AsArray().Select(m => m!.GetValue<string>()));
        foreach (var header in new[] { "HTTP-Referer", "X-OpenRouter-Title", "X-OpenRouter-Categories", "Authorization" })
        {
            Assert.Equal(coded.Headers![header].Single(), configured.Headers![header].Single());
        }
    }

    [Fact(Timeout = 20_000)]
    public async Task Bad_routing_settings_fail_at_start_naming_the_configuration_path()
    {
        var settings = RouterSettings("https://openrouter.ai/api/v1");
        settings["Kimi:Hosts:Router:Attribution:Categories:1"] = "ide-extension";
        settings["Kimi:Hosts:Router:Attribution:Categories:2"] = "chat";
        settings["Kimi:Hosts:Router:Routing:Quantizations:0"] = "fp7";
        using var host = Build(settings);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Hosts:Router:Attribution:Categories has 3 values", ex.Message);
        Assert.Contains("Kimi:Hosts:Router:Routing:Quantizations has 'fp7'", ex.Message);
        Assert.DoesNotContain("sk-or-v1-test", ex.Message);
    }

    // IChatClient: session id and end-user id through AdditionalProperties; details, upstream, native finish and cost back
    [Fact(Timeout = 20_000)]
    public async Task Through_IChatClient_the_tool_loop_keeps_the_details_and_the_session_and_user_ids_reach_the_wire()
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.OpenRouter);
        using var kimi = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(new EmulatorReply { Reasoning = "Look it up." }.WithCall(new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny in Paris."));
        using IChatClient chat = new ChatClientBuilder(kimi.AsIChatClient()).UseFunctionInvocation().Build();
        var options = new ChatOptions
        {
            Tools = [AgentHarness.Weather()],
            AdditionalProperties = new() { [KimiPropertyNames.SessionId] = "conv-7f3a", [KimiPropertyNames.EndUserId] = "u-123" },
        };

        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather in Paris?")], options, TestContext.Current.CancellationToken);

        Assert.Equal("Sunny in Paris.", response.Text);
        Assert.Equal(2, emulator.Requests.Count);
        Assert.All(emulator.Requests, r =>
        {
            Assert.Equal("conv-7f3a", r.Json.GetProperty("session_id").GetString());
            Assert.Equal("u-123", r.Json.GetProperty("user").GetString());
            Assert.False(r.Json.TryGetProperty("kimi.session_id", out _));
        });
        var assistant = AgentHarness.Message(emulator.Requests[1], 1);
        Assert.Equal("Look it up.", assistant.GetProperty("reasoning").GetString());
        Assert.Equal("""[{"type":"reasoning.text","text":"Look it up.","format":"unknown","index":0}]""", assistant.GetProperty("reasoning_details").GetRawText());
        Assert.Equal("Moonshot AI", response.AdditionalProperties![KimiPropertyNames.UpstreamProvider]);
        Assert.Equal("stop", response.AdditionalProperties[KimiPropertyNames.NativeFinishReason]);
        Assert.IsType<decimal>(response.AdditionalProperties[KimiPropertyNames.Cost]);
        Assert.Equal("moonshotai/kimi-k2.6-20260420", response.ModelId);
    }
}
