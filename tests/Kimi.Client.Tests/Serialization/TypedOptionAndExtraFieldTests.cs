using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// A field set both by a typed option and in <see cref="ChatCompletionOptions.AdditionalProperties"/> goes out once, with
/// the caller's explicit value; <c>tool_choice</c> never goes out without tools. Read from the raw bytes on the wire,
/// because a JSON DOM would hide a duplicated key.
/// </summary>
public class TypedOptionAndExtraFieldTests
{
    private const string ExtraTool =
        """{"type":"function","function":{"name":"get_time","description":"Get time","parameters":{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}}}""";

    private static AIFunction GetWeather() => AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather", "Get weather");

    /// <summary>Every top-level property name in the body, in order, duplicates kept.</summary>
    private static List<string> TopLevelNames(string body)
    {
        var names = new List<string>();
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body));
        reader.Read(); // StartObject
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            names.Add(reader.GetString()!);
            reader.Read();
            reader.Skip();
        }

        return names;
    }

    /// <summary>The one value of <paramref name="name"/> at the top level (fails when it is missing or repeated).</summary>
    private static string SingleValue(string body, string name)
    {
        Assert.Equal(1, TopLevelNames(body).Count(n => n == name));
        return JsonNode.Parse(body)![name]!.ToJsonString();
    }

    [Fact(Timeout = 10_000)]
    public async Task Tool_choice_is_not_sent_when_there_are_no_tools()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { ToolChoice = ToolChoice.Auto }, TestContext.Current.CancellationToken);
        await client.CompleteAsync("Hello", new ChatCompletionOptions { ToolChoice = ToolChoice.None }, TestContext.Current.CancellationToken);

        Assert.Equal(2, server.RequestCount);
        Assert.All(server.Server.LogEntries, e =>
        {
            var names = TopLevelNames(e.RequestMessage.Body!);
            Assert.DoesNotContain("tool_choice", names);
            Assert.DoesNotContain("tools", names);
        });
    }

    [Fact(Timeout = 10_000)]
    public async Task Tool_choice_is_not_sent_with_an_empty_tool_list()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions { ToolChoice = ToolChoice.Auto };
        Assert.Empty(options.Tools); // touched: the list exists, with nothing in it

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        var names = TopLevelNames(server.Body);
        Assert.DoesNotContain("tool_choice", names);
        Assert.DoesNotContain("tools", names);
    }

    [Fact(Timeout = 10_000)]
    public async Task Tools_given_both_typed_and_as_an_additional_property_are_written_once_with_the_additional_value()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions { ToolChoice = ToolChoice.Auto };
        options.Tools.Add(GetWeather());
        options.AdditionalProperties["tools"] = JsonNode.Parse($"[{ExtraTool}]");

        await client.CompleteAsync("Time in Paris?", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal($"[{ExtraTool}]", SingleValue(server.Body, "tools"));
        Assert.Equal("\"auto\"", SingleValue(server.Body, "tool_choice"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Tool_choice_given_both_typed_and_as_an_additional_property_is_written_once_with_the_additional_value()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions { ToolChoice = ToolChoice.Auto };
        options.Tools.Add(GetWeather());
        options.AdditionalProperties["tool_choice"] = "none";

        await client.CompleteAsync("Weather in Paris?", options, TestContext.Current.CancellationToken);

        Assert.Equal("\"none\"", SingleValue(server.Body, "tool_choice"));
        Assert.Equal(1, TopLevelNames(server.Body).Count(n => n == "tools"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Stop_given_both_typed_and_as_an_additional_property_is_written_once_with_the_additional_value()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        options.StopSequences.Add("END");
        options.AdditionalProperties["stop"] = JsonNode.Parse("""["STOP","###"]""");

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        Assert.Equal("""["STOP","###"]""", SingleValue(server.Body, "stop"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Response_format_given_both_typed_and_as_an_additional_property_is_written_once_with_the_additional_value()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions { ResponseFormat = ResponseFormat.JsonObject };
        options.AdditionalProperties["response_format"] = JsonNode.Parse("""{"type":"text"}""");

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        Assert.Equal("""{"type":"text"}""", SingleValue(server.Body, "response_format"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Seed_and_sampling_given_both_typed_and_as_additional_properties_are_written_once_with_the_additional_values()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions { Seed = 1, Temperature = 0.5f, TopP = 0.5f, PresencePenalty = 0.5f, FrequencyPenalty = 0.5f, MaxOutputTokens = 100 };
        options.AdditionalProperties["seed"] = 7;
        options.AdditionalProperties["temperature"] = 0.9;
        options.AdditionalProperties["top_p"] = 0.8;
        options.AdditionalProperties["presence_penalty"] = 0.1;
        options.AdditionalProperties["frequency_penalty"] = 0.2;
        options.AdditionalProperties["max_completion_tokens"] = 200;

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        Assert.Equal("7", SingleValue(server.Body, "seed"));
        Assert.Equal("0.9", SingleValue(server.Body, "temperature"));
        Assert.Equal("0.8", SingleValue(server.Body, "top_p"));
        Assert.Equal("0.1", SingleValue(server.Body, "presence_penalty"));
        Assert.Equal("0.2", SingleValue(server.Body, "frequency_penalty"));
        Assert.Equal("200", SingleValue(server.Body, "max_completion_tokens"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Stream_options_given_as_an_additional_property_are_written_once_with_the_additional_value()
    {
        using var server = RecordingServer.StartStreaming("""
            data: {"id":"s","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}
            data: [DONE]
            """);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["stream_options"] = JsonNode.Parse("""{"include_usage":true,"continuous_usage_stats":true}""");

        var result = await StreamReplayCollect(client, options, TestContext.Current.CancellationToken);

        Assert.Equal("Hi", result.Text);
        Assert.Equal("""{"include_usage":true,"continuous_usage_stats":true}""", SingleValue(server.Body, "stream_options"));
        Assert.Equal("true", SingleValue(server.Body, "stream"));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Moonshot", "thinking", """{"type":"enabled"}""")]
    [InlineData("Vllm", "chat_template_kwargs", """{"thinking":true,"custom":1}""")]
    [InlineData("DeepInfra", "reasoning_effort", "\"low\"")]
    public async Task The_thinking_switch_given_as_an_additional_property_is_written_once_with_the_additional_value(string providerName, string field, string value)
    {
        var provider = KimiProvider.FromName(providerName);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = new ChatCompletionOptions { Thinking = ThinkingMode.Disabled };
        options.AdditionalProperties[field] = JsonNode.Parse(value);

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        Assert.Equal(value, SingleValue(server.Body, field));
    }

    private static async Task<ChatCompletion> StreamReplayCollect(KimiClient client, ChatCompletionOptions options, CancellationToken cancellationToken)
    {
        var stream = client.StreamAsync("Hello", options, cancellationToken);
        await foreach (var _ in stream.WithCancellation(cancellationToken))
        {
        }

        return stream.Completion!;
    }
}
