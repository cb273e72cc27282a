using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Serialization;

/// <summary>Thinking on, off and preserved in each provider's own shape (conformance 4, 7, 10).</summary>
public class ThinkingSwitchTests
{
    private const string UserHello = ExpectedRequest.UserHello;

    /// <summary>Thinking off: the provider's switch, and the instant-mode sampling where sampling is free.</summary>
    public static TheoryData<KimiProvider, string> ThinkingOff => new()
    {
        { KimiProvider.Moonshot, $$"""{"model":"kimi-k2.6","messages":[{{UserHello}}],"thinking":{"type":"disabled"},"max_completion_tokens":16000}""" },
        { KimiProvider.DeepInfra, $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"reasoning_effort":"none","temperature":0.6,"top_p":0.95}""" },
        { KimiProvider.Nvidia, $$"""{"model":"moonshotai/kimi-k2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":false},"temperature":0.6,"top_p":0.95}""" },
        { KimiProvider.Vllm, $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":false},"temperature":0.6,"top_p":0.95}""" },
        { KimiProvider.SGLang, $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":false},"temperature":0.6,"top_p":0.95}""" },
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(ThinkingOff))]
    public async Task Thinking_off_per_call_sends_the_provider_switch(KimiProvider provider, string expected)
    {
        using var server = RecordingServer.Start(RecordingServer.Completion(provider, content: "Paris.", reasoning: null));
        using var client = server.Client(provider);

        var completion = await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(expected, server.Body);
        Assert.Equal("Paris.", completion.Text);
        Assert.Null(completion.Reasoning);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(ThinkingOff))]
    public async Task Thinking_off_as_the_client_default_sends_the_same_switch(KimiProvider provider, string expected)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, o => o.Thinking = ThinkingMode.Disabled);

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(expected, server.Body);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task No_profile_ever_sends_enable_thinking_or_extra_body(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        foreach (var mode in new[] { ThinkingMode.Enabled, ThinkingMode.Disabled })
        {
            await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = mode }, TestContext.Current.CancellationToken);
        }

        foreach (var entry in server.Server.LogEntries)
        {
            Assert.DoesNotContain("enable_thinking", entry.RequestMessage.Body);
            Assert.DoesNotContain("extra_body", entry.RequestMessage.Body);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task A_call_can_turn_thinking_back_on_over_a_client_default_of_off()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);
        using var client = server.Client(KimiProvider.Nvidia, configure: o => o.Thinking = ThinkingMode.Disabled);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Enabled }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"moonshotai/kimi-k2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":true},"temperature":1.0,"top_p":0.95}""",
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_with_the_chat_template_switch_sends_chat_template_kwargs_instead_of_reasoning_effort()
    {
        using var server = RecordingServer.Start(KimiProvider.DeepInfra);
        using var client = server.Client(KimiProvider.DeepInfra with { ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargs });

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":false},"temperature":0.6,"top_p":0.95}""",
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_reasoning_effort_can_be_overridden_by_the_caller()
    {
        using var server = RecordingServer.Start(KimiProvider.DeepInfra);
        using var client = server.Client(KimiProvider.DeepInfra);
        var options = new ChatCompletionOptions { Thinking = ThinkingMode.Disabled };
        options.AdditionalProperties["reasoning_effort"] = "low";

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"reasoning_effort":"low","temperature":0.6,"top_p":0.95}""",
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_thinking_preserved_sends_keep_all()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"kimi-k2.6","messages":[{{UserHello}}],"thinking":{"type":"enabled","keep":"all"},"max_completion_tokens":16000}""",
            server.Body);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    public async Task Self_hosted_thinking_preserved_sends_preserve_thinking(string providerName)
    {
        using var server = RecordingServer.Start(KimiProvider.FromName(providerName));
        using var client = server.Client(KimiProvider.FromName(providerName), o => o.Thinking = ThinkingMode.Preserved);

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":true,"preserve_thinking":true},"temperature":1.0,"top_p":0.95}""",
            server.Body);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    public async Task Preserved_thinking_on_an_unconfirmed_provider_throws_before_sending(string providerName)
    {
        var provider = KimiProvider.FromName(providerName);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        var error = await Assert.ThrowsAsync<NotSupportedException>(
            () => client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken));

        Assert.Contains("AllowUnconfirmedPreserveThinking", error.Message);
        Assert.Contains("ThinkingMode.Enabled", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Preserved_thinking_on_an_unconfirmed_provider_also_throws_when_streaming()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);
        using var client = server.Client(KimiProvider.Nvidia, configure: o => o.Thinking = ThinkingMode.Preserved);

        Assert.Throws<NotSupportedException>(() => client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken));

        await Task.Yield();
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Nvidia_preserved_thinking_with_the_opt_in_sends_preserve_thinking()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);
        using var client = server.Client(KimiProvider.Nvidia, configure: o => o.AllowUnconfirmedPreserveThinking = true);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"moonshotai/kimi-k2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":true,"preserve_thinking":true},"temperature":1.0,"top_p":0.95}""",
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_preserved_thinking_with_only_the_opt_in_still_throws_naming_the_switch()
    {
        using var server = RecordingServer.Start(KimiProvider.DeepInfra);
        using var client = server.Client(KimiProvider.DeepInfra, configure: o => o.AllowUnconfirmedPreserveThinking = true);

        var error = await Assert.ThrowsAsync<NotSupportedException>(
            () => client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken));

        Assert.Contains("KimiThinkingSwitch.ChatTemplateKwargs", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task DeepInfra_preserved_thinking_with_the_opt_in_and_chat_template_switch_sends_preserve_thinking()
    {
        using var server = RecordingServer.Start(KimiProvider.DeepInfra);
        using var client = server.Client(KimiProvider.DeepInfra with { ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargs }, o => o.AllowUnconfirmedPreserveThinking = true);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":true,"preserve_thinking":true},"temperature":1.0,"top_p":0.95}""",
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_thinking_off_never_sends_keep()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, configure: o => o.Thinking = ThinkingMode.Preserved);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);

        JsonAssert.Equal("""{"type":"disabled"}""", JsonNode.Parse(server.Body)!["thinking"]!.ToJsonString());
    }

    [Fact(Timeout = 10_000)]
    public async Task An_undefined_thinking_mode_is_rejected_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = (ThinkingMode)42 }, TestContext.Current.CancellationToken));

        Assert.Equal(0, server.RequestCount);
    }

    /// <summary>The built-in switches carry their members already split (no JSON parsed at type init); they must be what parsing their own JSON gives.</summary>
    [Fact]
    public void Built_in_switches_write_exactly_what_their_json_says()
    {
        foreach (var builtIn in KimiThinkingSwitch.BuiltIn)
        {
            var parsed = new KimiThinkingSwitch(builtIn.Name, builtIn.Enabled, builtIn.Disabled, builtIn.Preserved, builtIn.Unspecified, builtIn.Excluded);
            foreach (var (mode, exclude) in new (ThinkingMode?, bool)[]
            {
                (null, false), (ThinkingMode.Enabled, false), (ThinkingMode.Disabled, false), (ThinkingMode.Preserved, false), (null, true), (ThinkingMode.Enabled, true),
            })
            {
                var expected = parsed.FieldsFor(mode, exclude);
                var actual = builtIn.FieldsFor(mode, exclude);
                Assert.Equal(expected is null, actual is null);
                Assert.Equal(
                    expected?.Select(f => $"{f.Name}={System.Text.Encoding.UTF8.GetString(f.RawValue)}") ?? [],
                    actual?.Select(f => $"{f.Name}={System.Text.Encoding.UTF8.GetString(f.RawValue)}") ?? []);
            }
        }
    }
}
