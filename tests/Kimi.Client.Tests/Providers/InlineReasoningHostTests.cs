using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Agents;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Streaming;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Tests.Providers;

/// <summary>
/// The KTransformers profile and the inline-reasoning settings as host data: in code, in configuration, and in a tool loop
/// against the emulator's KTransformers dialect (no parsers), where split-out reasoning counts as the host's own (conformance 45).
/// </summary>
public class InlineReasoningHostTests
{
    [Fact]
    public void KTransformers_is_a_built_in_sglang_host_with_inline_reasoning_on_and_tool_recovery_off()
    {
        var host = KimiProvider.FromName("ktransformers");

        Assert.Same(KimiProvider.KTransformers, host);
        Assert.Contains(host, KimiProvider.BuiltIn);
        Assert.Equal("KTransformers", host.Name);
        Assert.Equal("ktransformers", host.Dialect);
        Assert.True(host.InlineReasoning);
        Assert.False(host.RecoverToolCallsFromText);
        Assert.Null(host.Endpoint);
        Assert.False(host.RequiresApiKey);
        Assert.Equal("moonshotai/Kimi-K2.6", host.Model);
        Assert.Same(KimiThinkingSwitch.ChatTemplateKwargs, host.ThinkingSwitch);
        Assert.Equal(["reasoning_content"], host.ReasoningWriteFields); // SGLang's schema
        Assert.Equal(KimiProvider.SGLang.MaxTokensField, host.MaxTokensField);
        Assert.Empty(host.Validate());
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_loop_on_ktransformers_recovers_the_call_and_sends_the_split_reasoning_back_as_the_hosts_own(bool streaming)
    {
        var host = KimiProvider.KTransformers with { RecoverToolCallsFromText = true };
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = host });
        emulator.Enqueue(EmulatorReply.FromToolCalls("I need the weather.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny.", "The tool said so."));
        using var client = await AgentHarness.KestrelClientAsync(emulator);
        var cities = new List<string>();

        var result = await new KimiAgent(client, [AgentHarness.Weather(cities.Add)], new KimiAgentOptions { UseStreaming = streaming })
            .RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal("Sunny.", result.Text);
        Assert.Equal(["Paris"], cities);
        var requests = emulator.Requests;
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.True(r.Json.GetProperty("chat_template_kwargs").GetProperty("thinking").GetBoolean()));

        // The assistant turn goes back as structured data: the id verbatim, the reasoning the splitter took out of content
        // under the host's own field (no opening tag was there, so its leading space stays), and no tags in the content.
        var turn = AgentHarness.Message(requests[1], 2);
        Assert.Equal(" I need the weather.", turn.GetProperty("reasoning_content").GetString());
        Assert.False(turn.TryGetProperty("reasoning", out _));
        var call = Assert.Single(turn.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("functions.get_weather:0", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.True(turn.TryGetProperty("content", out var content) is false || content.ValueKind == JsonValueKind.Null || content.GetString() == string.Empty,
            $"content: {content}");
        Assert.Equal("functions.get_weather:0", AgentHarness.Message(requests[1], 3).GetProperty("tool_call_id").GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Reasoning_split_on_ktransformers_carries_the_hosts_origin_and_is_replayed_only_there()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.KTransformers });
        emulator.Enqueue(EmulatorReply.FromText("Paris.", "Capital of France."));
        using var client = await AgentHarness.KestrelClientAsync(emulator);

        var completion = await client.CompleteAsync("Capital?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(" Capital of France.", completion.Reasoning);
        Assert.Equal("Paris.", completion.Text);
        Assert.Equal(new ReasoningOrigin("ktransformers", "moonshotai/Kimi-K2.6"), completion.ReasoningOrigin);
        Assert.Empty(completion.Warnings);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_vllm_host_from_appsettings_turns_inline_reasoning_on()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.KTransformers });
        emulator.Enqueue(EmulatorReply.FromText("9.9 is bigger.", "Compare 9.11 and 9.9."));
        var endpoint = await emulator.StartAsync(TestContext.Current.CancellationToken);
        using var host = Builder(new()
        {
            ["Kimi:Provider"] = "MyVllm",
            ["Kimi:Hosts:MyVllm:BasedOn"] = "Vllm",
            ["Kimi:Hosts:MyVllm:Endpoint"] = endpoint.ToString(),
            ["Kimi:Hosts:MyVllm:InlineReasoning"] = "true",
        }).Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var client = host.Services.GetRequiredService<KimiClient>();

        var result = await StreamReplay.CollectAsync(client.StreamAsync([KimiMessage.User("Which is bigger?")], cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.True(client.Provider.InlineReasoning);
        Assert.False(client.Provider.RecoverToolCallsFromText);
        Assert.Equal(" Compare 9.11 and 9.9.", result.Completion.Reasoning);
        Assert.Equal("9.9 is bigger.", result.Completion.Text);
        Assert.DoesNotContain(result.Updates, u => (u.ContentDelta ?? string.Empty).Contains('<') || (u.ReasoningDelta ?? string.Empty).Contains('<'));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task KTransformers_is_chosen_by_name_in_configuration_and_can_turn_inline_reasoning_off()
    {
        using var host = Builder(new()
        {
            ["Kimi:Provider"] = "Kt",
            ["Kimi:Endpoint"] = "http://kt.local:30000/v1",
            ["Kimi:Hosts:Kt:BasedOn"] = "KTransformers",
            ["Kimi:Hosts:Kt:InlineReasoning"] = "false",
        }).Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        var client = host.Services.GetRequiredService<KimiClient>();

        Assert.Equal("ktransformers", client.Provider.Dialect);
        Assert.False(client.Provider.InlineReasoning);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task Tool_recovery_without_inline_reasoning_fails_at_start_naming_the_setting()
    {
        using var host = Builder(new()
        {
            ["Kimi:Provider"] = "MyVllm",
            ["Kimi:Hosts:MyVllm:BasedOn"] = "Vllm",
            ["Kimi:Hosts:MyVllm:Endpoint"] = "http://llm.local/v1",
            ["Kimi:Hosts:MyVllm:RecoverToolCallsFromText"] = "true",
        }).Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Kimi:Hosts:MyVllm:RecoverToolCallsFromText needs InlineReasoning", ex.Message);
    }

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddKimiClient(builder.Configuration.GetSection("Kimi"));
        return builder;
    }
}
