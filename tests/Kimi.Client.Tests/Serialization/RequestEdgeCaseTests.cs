using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Serialization;

/// <summary>Request shapes a careless caller can produce, and what the provider must never see.</summary>
public class RequestEdgeCaseTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_tool_call_turn_whose_text_parts_are_all_empty_is_sent_without_content()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var assistant = new KimiMessage(MessageRole.Assistant) { Reasoning = "Call it." };
        assistant.Parts.Add(new TextPart(string.Empty));
        assistant.Parts.Add(new TextPart(string.Empty));
        assistant.ToolCalls.Add(new ToolCall("get_weather_0", "get_weather", """{"city":"Paris"}"""));

        await client.CompleteAsync(
            [KimiMessage.User("Weather?"), assistant, KimiMessage.Tool("get_weather_0", "Sunny")], cancellationToken: TestContext.Current.CancellationToken);

        var sent = JsonNode.Parse(server.Body)!["messages"]![1]!.AsObject();
        Assert.False(sent.ContainsKey("content"), sent.ToJsonString());
        Assert.Equal("Call it.", sent["reasoning_content"]!.GetValue<string>());
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_drops_pinned_sampling_given_through_additional_properties_with_a_warning_each()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["temperature"] = 0.5;
        options.AdditionalProperties["n"] = 2;
        options.AdditionalProperties["prompt_cache_key"] = "k1";

        await client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!.AsObject();
        Assert.False(body.ContainsKey("temperature"));
        Assert.False(body.ContainsKey("n"));
        Assert.Equal("k1", body["prompt_cache_key"]!.GetValue<string>());
        var warnings = logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToArray();
        Assert.Contains(warnings, m => m.Contains("temperature", StringComparison.Ordinal));
        Assert.Contains(warnings, m => m.Contains(" n ", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_refuses_preserved_thinking_on_kimi_k2_5_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, configure: o => o.Model = "kimi-k2.5");

        var error = Assert.Throws<NotSupportedException>(
            () => client.StreamAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken));

        Assert.Contains("kimi-k2.5", error.Message, StringComparison.Ordinal);
        Assert.Contains("ThinkingMode.Enabled", error.Message, StringComparison.Ordinal);
        await Task.Delay(1, TestContext.Current.CancellationToken);
        Assert.Equal(0, server.RequestCount);
    }
}
