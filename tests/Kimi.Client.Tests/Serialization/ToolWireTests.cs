using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Serialization;

/// <summary>Tool declarations and tool_choice on the wire, and Moonshot's forced-choice rule (conformance 10).</summary>
public class ToolWireTests
{
    private const string WeatherTool =
        """{"type":"function","function":{"name":"get_weather","description":"Get weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    private static AIFunction GetWeather() => AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather", "Get weather");

    private static ChatCompletionOptions WithWeather(ToolChoice? choice = null, ThinkingMode? thinking = null)
    {
        var options = new ChatCompletionOptions { ToolChoice = choice, Thinking = thinking };
        options.Tools.Add(GetWeather());
        return options;
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task An_AIFunction_is_declared_in_the_OpenAI_tool_shape(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Weather in Paris?", WithWeather(), TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            ExpectedRequest.For(provider, $$"""{"tools":[{{WeatherTool}}]}""", messages: """[{"role":"user","content":"Weather in Paris?"}]"""),
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_tool_request_matches_the_documented_shape()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        await client.CompleteAsync("Weather in Paris?", WithWeather(ToolChoice.Auto), TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""
            {"model":"kimi-k2.6","tool_choice":"auto","messages":[{"role":"user","content":"Weather in Paris?"}],
             "tools":[{{WeatherTool}}],"thinking":{"type":"enabled"},"max_completion_tokens":16000}
            """,
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Several_tools_keep_their_order_and_descriptions_and_parameter_docs()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        options.Tools.Add(GetWeather());
        options.Tools.Add(AIFunctionFactory.Create(([Description("IANA zone")] string zone, int? offset) => "12:00", "get_time"));

        await client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken);

        var tools = JsonNode.Parse(server.Body)!["tools"]!.AsArray();
        Assert.Equal(2, tools.Count);
        JsonAssert.Equal(WeatherTool, tools[0]!.ToJsonString());
        var time = tools[1]!["function"]!.AsObject();
        Assert.Equal("get_time", time["name"]!.GetValue<string>());
        Assert.False(time.ContainsKey("description")); // none given: no empty description
        Assert.Equal("IANA zone", time["parameters"]!["properties"]!["zone"]!["description"]!.GetValue<string>());
        // The parameters are M.E.AI's schema, unchanged.
        JsonAssert.Equal(((AIFunction)options.Tools[1]).JsonSchema.GetRawText(), time["parameters"]!.ToJsonString());
    }

    [Fact(Timeout = 10_000)]
    public async Task A_declaration_without_a_schema_gets_an_empty_object_schema()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);
        using var client = server.Client(KimiProvider.Nvidia);
        var options = new ChatCompletionOptions();
        options.Tools.Add(new SchemalessDeclaration());

        await client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """[{"type":"function","function":{"name":"ping","description":"Ping.","parameters":{"type":"object","properties":{}}}}]""",
            JsonNode.Parse(server.Body)!["tools"]!.ToJsonString());
    }

    public static TheoryData<KimiProvider, string, string> ChoiceShapes()
    {
        var data = new TheoryData<KimiProvider, string, string>();
        foreach (var provider in new[]
        {
            KimiProvider.Moonshot, KimiProvider.DeepInfra, KimiProvider.Nvidia,
            KimiProvider.Vllm, KimiProvider.SGLang,
        })
        {
            data.Add(provider, "auto", "\"auto\"");
            data.Add(provider, "none", "\"none\"");
            data.Add(provider, "required", "\"required\"");
            data.Add(provider, "named", """{"type":"function","function":{"name":"get_weather"}}""");
        }

        return data;
    }

    private static ToolChoice Choice(string name) => name switch
    {
        "auto" => ToolChoice.Auto,
        "none" => ToolChoice.None,
        "required" => ToolChoice.Required,
        _ => ToolChoice.Function("get_weather"),
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(ChoiceShapes))]
    public async Task Tool_choice_has_the_OpenAI_shape(KimiProvider provider, string choice, string expected)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        // Thinking off, so Moonshot accepts forced choices too.
        await client.CompleteAsync("Weather in Paris?", WithWeather(Choice(choice), ThinkingMode.Disabled), TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            ExpectedRequest.For(provider, $$"""{"tools":[{{WeatherTool}}],"tool_choice":{{expected}}}""", ThinkingMode.Disabled, messages: """[{"role":"user","content":"Weather in Paris?"}]"""),
            server.Body);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Auto_or_none_without_tools_sends_no_tool_choice(KimiProvider provider)
    {
        // vLLM answers 400 "When using `tool_choice`, `tools` must be set." to a tool_choice without tools.
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { ToolChoice = ToolChoice.Auto }, TestContext.Current.CancellationToken);
        await client.CompleteAsync("Hello", new ChatCompletionOptions { ToolChoice = ToolChoice.None }, TestContext.Current.CancellationToken);

        Assert.Equal(2, server.RequestCount);
        Assert.All(server.Server.LogEntries, e => JsonAssert.Equal(ExpectedRequest.For(provider), e.RequestMessage.Body!));
    }

    [Fact(Timeout = 10_000)]
    public async Task Tool_choice_is_sent_with_tools_given_as_an_additional_property()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions { ToolChoice = ToolChoice.Auto };
        options.AdditionalProperties["tools"] = JsonNode.Parse($"[{WeatherTool}]");

        await client.CompleteAsync("Weather in Paris?", options, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!;
        Assert.Equal("auto", body["tool_choice"]!.GetValue<string>());
        JsonAssert.Equal($"[{WeatherTool}]", body["tools"]!.ToJsonString());
    }

    [Theory(Timeout = 10_000)]
    [InlineData("required")]
    [InlineData("named")]
    public async Task Moonshot_forced_tool_choice_while_thinking_throws_naming_both_ways_out(string choice)
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        var error = await Assert.ThrowsAsync<NotSupportedException>(
            () => client.CompleteAsync("Weather in Paris?", WithWeather(Choice(choice)), TestContext.Current.CancellationToken));

        Assert.Contains("ThinkingMode.Disabled", error.Message);
        Assert.Contains("DisableThinkingForForcedToolChoice", error.Message);
        Assert.Contains(choice == "named" ? "function:get_weather" : "required", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_forced_tool_choice_with_preserved_thinking_throws_too()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        await Assert.ThrowsAsync<NotSupportedException>(
            () => client.CompleteAsync("Weather in Paris?", WithWeather(ToolChoice.Required, ThinkingMode.Preserved), TestContext.Current.CancellationToken));

        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_forced_tool_choice_while_streaming_throws_before_enumeration()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        Assert.Throws<NotSupportedException>(
            () => client.StreamAsync([KimiMessage.User("Weather?")], WithWeather(ToolChoice.Required), TestContext.Current.CancellationToken));

        await Task.Yield();
        Assert.Equal(0, server.RequestCount);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("required", "\"required\"")]
    [InlineData("named", """{"type":"function","function":{"name":"get_weather"}}""")]
    public async Task Moonshot_forced_tool_choice_with_the_opt_in_turns_thinking_off_for_the_call(string choice, string expectedChoice)
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, configure: o => o.DisableThinkingForForcedToolChoice = true, loggerFactory: loggerFactory);
        var toolTurn = KimiMessage.Assistant(KimiModelFactory.ChatCompletion(
            reasoning: "Earlier reasoning.", toolCalls: [new ToolCall("get_weather_0", "get_weather", "{}")], reasoningOrigin: new ReasoningOrigin("moonshot", "kimi-k2.6")));

        await client.CompleteAsync(
            [KimiMessage.User("Weather in Paris?"), toolTurn, KimiMessage.Tool("get_weather_0", "Sunny")],
            WithWeather(Choice(choice)), TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$$"""
            {"model":"kimi-k2.6","thinking":{"type":"disabled"},"max_completion_tokens":16000,"tool_choice":{{{expectedChoice}}},"tools":[{{{WeatherTool}}}],
             "messages":[{"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","tool_calls":[{"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
              {"role":"tool","content":"Sunny","tool_call_id":"get_weather_0"}]}
            """,
            server.Body);
        Assert.Contains(logs.GetSnapshot(), r => r.Message.Contains("Thinking turned off"));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("auto")]
    [InlineData("none")]
    public async Task Moonshot_auto_and_none_are_allowed_while_thinking(string choice)
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        await client.CompleteAsync("Weather in Paris?", WithWeather(Choice(choice)), TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!;
        Assert.Equal(choice, body["tool_choice"]!.GetValue<string>());
        JsonAssert.Equal("""{"type":"enabled"}""", body["thinking"]!.ToJsonString());
    }

    public static TheoryData<KimiProvider> NonMoonshot => new()
    {
        { KimiProvider.DeepInfra },
        { KimiProvider.Nvidia },
        { KimiProvider.Vllm },
        { KimiProvider.SGLang },
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(NonMoonshot))]
    public async Task Other_profiles_send_forced_tool_choice_with_thinking_on(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Weather in Paris?", WithWeather(ToolChoice.Required), TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            ExpectedRequest.For(provider, $$"""{"tools":[{{WeatherTool}}],"tool_choice":"required"}""", messages: """[{"role":"user","content":"Weather in Paris?"}]"""),
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_tool_call_answer_is_parsed_for_the_caller()
    {
        using var server = RecordingServer.Start(RecordingServer.Completion(KimiProvider.Vllm, content: null, reasoning: "Call it.",
            toolCallsJson: """[{"id":"functions.get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]"""));
        using var client = server.Client(KimiProvider.Vllm);

        var completion = await client.CompleteAsync("Weather in Paris?", WithWeather(ToolChoice.Auto), TestContext.Current.CancellationToken);

        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("functions.get_weather:0", call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("{\"city\":\"Paris\"}", call.Arguments);
        Assert.Equal(FinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal(string.Empty, completion.Text);
    }

    private sealed class SchemalessDeclaration : AIFunctionDeclaration
    {
        public override string Name => "ping";

        public override string Description => "Ping.";

        public override JsonElement JsonSchema => default;
    }
}
