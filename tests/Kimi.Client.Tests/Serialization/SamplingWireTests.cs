using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Serialization;

/// <summary>Moonshot's pinned sampling is omitted; elsewhere the caller's or Kimi's recommended values go out (conformance 8).</summary>
public class SamplingWireTests
{
    private static readonly string[] SamplingFields = ["temperature", "top_p", "n", "presence_penalty", "frequency_penalty"];

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_omits_pinned_sampling_and_warns_once_per_parameter()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);
        var options = new ChatCompletionOptions { Temperature = 0.5f, TopP = 0.8f, PresencePenalty = 0.1f, FrequencyPenalty = 0.2f };

        var completion = await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hello"}],"thinking":{"type":"enabled"},"max_completion_tokens":16000}""",
            server.Body);
        Assert.Equal("Paris.", completion.Text);
        var warnings = logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.Equal(4, warnings.Count);
        Assert.Single(warnings, w => w.Contains("temperature") && w.Contains("0.5"));
        Assert.Single(warnings, w => w.Contains("top_p") && w.Contains("0.8"));
        Assert.Single(warnings, w => w.Contains("presence_penalty"));
        Assert.Single(warnings, w => w.Contains("frequency_penalty"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_temperature_alone_is_omitted_with_one_warning()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Temperature = 0.5f }, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!.AsObject();
        Assert.All(SamplingFields, f => Assert.False(body.ContainsKey(f), f));
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("temperature", warning.Message);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(ThinkingMode.Enabled)]
    [InlineData(ThinkingMode.Disabled)]
    public async Task Moonshot_sends_no_recommended_sampling_in_either_mode(ThinkingMode thinking)
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = thinking }, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!.AsObject();
        Assert.All(SamplingFields, f => Assert.False(body.ContainsKey(f), f));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    public static TheoryData<KimiProvider> FreeSampling => new()
    {
        { KimiProvider.DeepInfra },
        { KimiProvider.Nvidia },
        { KimiProvider.Vllm },
        { KimiProvider.SGLang },
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(FreeSampling))]
    public async Task Caller_sampling_is_sent_verbatim_where_it_is_free(KimiProvider provider)
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, loggerFactory: loggerFactory);
        var options = new ChatCompletionOptions { Temperature = 0.5f, TopP = 0.8f, PresencePenalty = 0.1f, FrequencyPenalty = -0.2f };

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            ExpectedRequest.For(provider, """{"temperature":0.5,"top_p":0.8,"presence_penalty":0.1,"frequency_penalty":-0.2}"""),
            server.Body);
        // Written through decimal: 0.8f goes out as 0.8, not 0.800000011920929.
        Assert.Contains("\"top_p\":0.8,", server.Body + ",");
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(FreeSampling))]
    public async Task Recommended_sampling_is_one_and_point_95_while_thinking(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!.AsObject();
        Assert.Equal(1.0m, body["temperature"]!.GetValue<decimal>());
        Assert.Equal("0.95", body["top_p"]!.ToJsonString());
        Assert.False(body.ContainsKey("presence_penalty"));
        Assert.False(body.ContainsKey("frequency_penalty"));
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(FreeSampling))]
    public async Task Recommended_sampling_is_point_6_and_point_95_with_thinking_off(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!;
        Assert.Equal("0.6", body["temperature"]!.ToJsonString());
        Assert.Equal("0.95", body["top_p"]!.ToJsonString());
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(FreeSampling))]
    public async Task Recommended_sampling_with_preserved_thinking_is_the_thinking_pair(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider with { ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargs }, o => o.AllowUnconfirmedPreserveThinking = true);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken);

        Assert.Equal(1.0m, JsonNode.Parse(server.Body)!["temperature"]!.GetValue<decimal>());
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(FreeSampling))]
    public async Task UseRecommendedSampling_false_sends_no_sampling(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, o => o.UseRecommendedSampling = false);

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);
        await client.CompleteAsync("Hello", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);

        var entries = server.Server.LogEntries;
        Assert.Equal(2, entries.Count);
        JsonAssert.Equal(ExpectedRequest.For(provider, without: ["temperature", "top_p"]), entries[0].RequestMessage.Body!);
        JsonAssert.Equal(ExpectedRequest.For(provider, thinking: ThinkingMode.Disabled, without: ["temperature", "top_p"]), entries[1].RequestMessage.Body!);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(FreeSampling))]
    public async Task UseRecommendedSampling_false_still_sends_the_caller_values(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, o => o.UseRecommendedSampling = false);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { Temperature = 0.3f }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedRequest.For(provider, """{"temperature":0.3}""", without: ["top_p"]), server.Body);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(-0.1f, null)]
    [InlineData(2.1f, null)]
    [InlineData(float.NaN, null)]
    [InlineData(null, 1.5f)]
    [InlineData(null, -0.5f)]
    public async Task Out_of_range_sampling_is_rejected_before_sending_even_on_Moonshot(float? temperature, float? topP)
    {
        foreach (var provider in new[] { KimiProvider.Moonshot, KimiProvider.Vllm })
        {
            using var server = RecordingServer.Start(provider);
            using var client = server.Client(provider);

            var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
                () => client.CompleteAsync("Hello", new ChatCompletionOptions { Temperature = temperature, TopP = topP }, TestContext.Current.CancellationToken));

            Assert.Contains(temperature is null ? "TopP" : "Temperature", error.Message);
            Assert.Equal(0, server.RequestCount);
        }
    }
}
