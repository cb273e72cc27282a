using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Serialization;

/// <summary>Which reasoning goes back to the model, under which field, on which assistant turn (conformance 1–6, 12, 13).</summary>
public class ReasoningEchoTests
{
    private const string Reasoning = "Need call get_weather. … Call get_weather Paris.";
    private const string Arguments = "{\"city\": \"Paris\"}";

    /// <summary>The tool-call id each dialect's server generates: Moonshot's <c>name_n</c>, vLLM's <c>functions.name:n</c>.</summary>
    private static string ToolCallId(KimiProvider provider) => provider == KimiProvider.Moonshot ? "get_weather_0" : "functions.get_weather:0";

    /// <summary>The reasoning JSON members the dialect writes for <paramref name="text"/>.</summary>
    private static string ReasoningMembers(KimiProvider provider, string text)
    {
        var value = JsonValue.Create(text).ToJsonString();
        return RecordingServer.Dialect(provider) == "vllm"
            ? $"\"reasoning\":{value},\"reasoning_content\":{value},"
            : $"\"reasoning_content\":{value},";
    }

    private static ChatCompletion ToolCallCompletion(KimiProvider provider, string? reasoning, ReasoningOrigin? origin = null) =>
        KimiModelFactory.ChatCompletion(
            reasoning: reasoning,
            toolCalls: [new ToolCall(ToolCallId(provider), "get_weather", Arguments)],
            reasoningOrigin: origin ?? RecordingServer.Origin(provider));

    private static KimiMessage[] ToolHistory(KimiProvider provider, ChatCompletion toolTurn) =>
    [
        KimiMessage.User("Weather in Paris?"),
        KimiMessage.Assistant(toolTurn),
        KimiMessage.Tool(ToolCallId(provider), "{\"weather\":\"Sunny\"}"),
    ];

    private static string ExpectedToolMessages(KimiProvider provider, string reasoningMembers)
    {
        var id = JsonValue.Create(ToolCallId(provider)).ToJsonString();
        return $$$"""
            [{"role":"user","content":"Weather in Paris?"},
             {"role":"assistant",{{{reasoningMembers}}}"tool_calls":[{"id":{{{id}}},"type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
             {"role":"tool","content":"{\"weather\":\"Sunny\"}","tool_call_id":{{{id}}}}]
            """;
    }

    private static string Messages(string body) => JsonNode.Parse(body)!["messages"]!.ToJsonString();

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task A_tool_call_turn_echoes_its_reasoning_under_the_dialect_field(KimiProvider provider)
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, loggerFactory: loggerFactory);
        var history = ToolHistory(provider, ToolCallCompletion(provider, Reasoning));

        var completion = await client.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedToolMessages(provider, ReasoningMembers(provider, Reasoning)), Messages(server.Body));
        Assert.Equal("Paris.", completion.Text);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task A_tool_call_answer_received_over_http_is_sent_back_verbatim_on_the_next_call(KimiProvider provider)
    {
        var toolCalls = $$$"""[{"id":"{{{ToolCallId(provider)}}}","type":"function","function":{"name":"get_weather","arguments":{{{JsonValue.Create(Arguments).ToJsonString()}}}}}]""";
        using var server = RecordingServer.Start(RecordingServer.Completion(provider, content: null, reasoning: Reasoning, toolCallsJson: toolCalls));
        using var client = server.Client(provider);
        List<KimiMessage> history = [KimiMessage.User("Weather in Paris?")];

        var first = await client.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        history.Add(KimiMessage.Assistant(first));
        history.Add(KimiMessage.Tool(first.ToolCalls.Single().Id, "{\"weather\":\"Sunny\"}"));
        await client.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(ToolCallId(provider), first.ToolCalls.Single().Id);
        Assert.Equal(Reasoning, first.Reasoning);
        JsonAssert.Equal(ExpectedToolMessages(provider, ReasoningMembers(provider, Reasoning)), Messages(server.LastBody));
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_streamed_reasoning_and_tool_call_go_back_exactly_as_received()
    {
        using var server = RecordingServer.StartStreaming("""
            data: {"id":"chatcmpl-7117","object":"chat.completion.chunk","created":1787762066,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Need call get_weather."},"finish_reason":null}]}
            data: {"id":"chatcmpl-7117","object":"chat.completion.chunk","created":1787762066,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"reasoning_content":""},"finish_reason":null}]}
            data: {"id":"chatcmpl-7117","object":"chat.completion.chunk","created":1787762066,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"reasoning_content":" Call get_weather Paris."},"finish_reason":null}]}
            data: {"id":"chatcmpl-7117","object":"chat.completion.chunk","created":1787762066,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}
            data: {"id":"chatcmpl-7117","object":"chat.completion.chunk","created":1787762066,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Paris\"}"}}]},"finish_reason":null}]}
            data: {"id":"chatcmpl-7117","object":"chat.completion.chunk","created":1787762066,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls","usage":{"prompt_tokens":213,"completion_tokens":99,"total_tokens":312}}]}
            data: {"id":"chatcmpl-7117","object":"chat.completion.chunk","created":1787762066,"model":"kimi-k2.6","choices":[],"usage":{"prompt_tokens":213,"completion_tokens":99,"total_tokens":312}}
            data: [DONE]
            """);
        using var client = server.Client(KimiProvider.Moonshot);
        List<KimiMessage> history = [KimiMessage.User("Weather in Paris?")];

        var stream = client.StreamAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var _ in stream)
        {
        }

        history.Add(stream.Completion!.ToMessage());
        history.Add(KimiMessage.Tool("get_weather_0", "{\"weather\":\"Sunny\"}"));
        var second = client.StreamAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var _ in second)
        {
        }

        JsonAssert.Equal(
            ExpectedToolMessages(KimiProvider.Moonshot, "\"reasoning_content\":\"Need call get_weather. Call get_weather Paris.\","),
            Messages(server.LastBody));
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_echoes_reasoning_byte_for_byte()
    {
        const string odd = "  Leading spaces, \"quotes\", \\backslash, tab\t, CRLF\r\n, 月之暗面, emoji 😀, <|tool_calls_section_begin|> </script>\n";
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);

        await client.CompleteAsync(ToolHistory(KimiProvider.Moonshot, ToolCallCompletion(KimiProvider.Moonshot, odd)), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(odd, JsonNode.Parse(server.Body)!["messages"]![1]!["reasoning_content"]!.GetValue<string>(), StringComparer.Ordinal);
        Assert.Contains("月之暗面, emoji ", server.Body, StringComparison.Ordinal); // UTF-8, not \uXXXX
        Assert.Contains("<|tool_calls_section_begin|> </script>", server.Body, StringComparison.Ordinal);
    }

    [Theory(Timeout = 10_000)]
    [InlineData(null, "no reasoning")]
    [InlineData("", "was empty")]
    public async Task Moonshot_tool_call_turn_without_reasoning_gets_the_placeholder_and_a_warning(string? reasoning, string reasonInLog)
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);
        var toolTurn = new KimiMessage(MessageRole.Assistant) { Reasoning = reasoning };
        toolTurn.ToolCalls.Add(new ToolCall("get_weather_0", "get_weather", Arguments));

        await client.CompleteAsync(
            [KimiMessage.User("Weather in Paris?"), toolTurn, KimiMessage.Tool("get_weather_0", "{\"weather\":\"Sunny\"}")],
            cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedToolMessages(KimiProvider.Moonshot, "\"reasoning_content\":\" \","), Messages(server.Body));
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("message 1", warning.Message);
        Assert.Contains("placeholder", warning.Message);
        Assert.Contains(reasonInLog, warning.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_empty_reasoning_received_from_the_server_is_sent_back_as_the_placeholder()
    {
        using var server = RecordingServer.Start(RecordingServer.Completion(KimiProvider.Moonshot, content: "", reasoning: "",
            toolCallsJson: """[{"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]"""));
        using var client = server.Client(KimiProvider.Moonshot);
        List<KimiMessage> history = [KimiMessage.User("Weather in Paris?")];

        var first = await client.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        history.Add(KimiMessage.Assistant(first));
        history.Add(KimiMessage.Tool("get_weather_0", "{\"weather\":\"Sunny\"}"));
        await client.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, first.Reasoning);
        JsonAssert.Equal(ExpectedToolMessages(KimiProvider.Moonshot, "\"reasoning_content\":\" \","), Messages(server.LastBody));
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
    public async Task Other_profiles_send_no_placeholder_for_a_tool_call_turn_without_reasoning(KimiProvider provider)
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, loggerFactory: loggerFactory);

        await client.CompleteAsync(ToolHistory(provider, ToolCallCompletion(provider, reasoning: null)), cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedToolMessages(provider, string.Empty), Messages(server.Body));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Thinking_off_writes_no_reasoning_and_no_placeholder(KimiProvider provider)
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, loggerFactory: loggerFactory);
        var history = ToolHistory(provider, ToolCallCompletion(provider, Reasoning));

        await client.CompleteAsync(history, new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedToolMessages(provider, string.Empty), Messages(server.Body));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level >= LogLevel.Warning);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Without_preserve_a_plain_assistant_turn_carries_no_reasoning(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var earlier = KimiMessage.Assistant(KimiModelFactory.ChatCompletion("473, 921, 235", "I'll list five.", reasoningOrigin: RecordingServer.Origin(provider)));

        await client.CompleteAsync([KimiMessage.User("Three numbers?"), earlier, KimiMessage.User("The other two?")], cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """[{"role":"user","content":"Three numbers?"},{"role":"assistant","content":"473, 921, 235"},{"role":"user","content":"The other two?"}]""",
            Messages(server.Body));
    }

    public static TheoryData<KimiProvider> PreserveCapable => new()
    {
        { KimiProvider.Moonshot },
        { KimiProvider.Nvidia },
        { KimiProvider.Vllm },
        { KimiProvider.SGLang },
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(PreserveCapable))]
    public async Task Preserved_thinking_sends_the_reasoning_of_every_assistant_turn(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider, o =>
        {
            o.Thinking = ThinkingMode.Preserved;
            o.AllowUnconfirmedPreserveThinking = true;
        });
        var origin = RecordingServer.Origin(provider);
        const string plainReasoning = "I'll list five: 473, 921, 235, 215, 222 and tell the first three.";
        var plain = KimiMessage.Assistant(KimiModelFactory.ChatCompletion("473, 921, 235", plainReasoning, reasoningOrigin: origin));
        var toolTurn = KimiMessage.Assistant(ToolCallCompletion(provider, Reasoning));
        var noReasoning = KimiMessage.Assistant("Noted.");

        await client.CompleteAsync(
            [KimiMessage.User("Tell me three random numbers."), plain, KimiMessage.User("Weather in Paris?"), toolTurn,
             KimiMessage.Tool(ToolCallId(provider), "{\"weather\":\"Sunny\"}"), noReasoning, KimiMessage.User("What are the other two numbers?")],
            cancellationToken: TestContext.Current.CancellationToken);

        var id = JsonValue.Create(ToolCallId(provider)).ToJsonString();
        JsonAssert.Equal(
            $$$"""
            [{"role":"user","content":"Tell me three random numbers."},
             {"role":"assistant",{{{ReasoningMembers(provider, plainReasoning)}}}"content":"473, 921, 235"},
             {"role":"user","content":"Weather in Paris?"},
             {"role":"assistant",{{{ReasoningMembers(provider, Reasoning)}}}"tool_calls":[{"id":{{{id}}},"type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}}]},
             {"role":"tool","content":"{\"weather\":\"Sunny\"}","tool_call_id":{{{id}}}},
             {"role":"assistant","content":"Noted."},
             {"role":"user","content":"What are the other two numbers?"}]
            """,
            Messages(server.Body));
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_preserved_thinking_matches_the_documented_request()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var earlier = KimiMessage.Assistant(KimiModelFactory.ChatCompletion(
            "473, 921, 235", "I'll list five: 473, 921, 235, 215, 222 and tell the first three.", reasoningOrigin: new ReasoningOrigin("moonshot", "kimi-k2.6")));

        await client.CompleteAsync(
            [KimiMessage.User("Tell me three random numbers."), earlier, KimiMessage.User("What are the other two numbers you have in mind?")],
            new ChatCompletionOptions { Thinking = ThinkingMode.Preserved }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """
            {"model":"kimi-k2.6","thinking":{"type":"enabled","keep":"all"},"max_completion_tokens":16000,
             "messages":[
              {"role":"user","content":"Tell me three random numbers."},
              {"role":"assistant","reasoning_content":"I'll list five: 473, 921, 235, 215, 222 and tell the first three.","content":"473, 921, 235"},
              {"role":"user","content":"What are the other two numbers you have in mind?"}]}
            """,
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Foreign_reasoning_from_vllm_is_not_replayed_to_Moonshot_and_the_placeholder_is_sent()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);
        var fromVllm = ToolCallCompletion(KimiProvider.Moonshot, "vLLM private chain of thought", new ReasoningOrigin("vllm", "moonshotai/Kimi-K2.6"));

        await client.CompleteAsync(ToolHistory(KimiProvider.Moonshot, fromVllm), cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedToolMessages(KimiProvider.Moonshot, "\"reasoning_content\":\" \","), Messages(server.Body));
        Assert.DoesNotContain("vLLM private chain of thought", server.Body);
        Assert.DoesNotContain("\"reasoning\"", server.Body);
        var warnings = logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.Contains(warnings, w => w.Contains("vllm/moonshotai/Kimi-K2.6") && w.Contains("moonshot/kimi-k2.6"));
        Assert.Contains(warnings, w => w.Contains("placeholder"));
    }

    [Fact(Timeout = 10_000)]
    public async Task Foreign_reasoning_from_Moonshot_is_dropped_on_vllm_with_a_warning()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm, loggerFactory: loggerFactory);
        var fromMoonshot = ToolCallCompletion(KimiProvider.Vllm, "Moonshot reasoning", new ReasoningOrigin("moonshot", "kimi-k2.6"));

        await client.CompleteAsync(ToolHistory(KimiProvider.Vllm, fromMoonshot), cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedToolMessages(KimiProvider.Vllm, string.Empty), Messages(server.Body));
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("moonshot/kimi-k2.6", warning.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task Reasoning_from_another_model_on_the_same_dialect_is_not_replayed()
    {
        using var server = RecordingServer.Start(KimiProvider.SGLang);
        using var client = server.Client(KimiProvider.SGLang);
        var fromK25 = ToolCallCompletion(KimiProvider.SGLang, "K2.5 reasoning", new ReasoningOrigin("sglang", "moonshotai/Kimi-K2.5"));

        await client.CompleteAsync(ToolHistory(KimiProvider.Vllm, fromK25), cancellationToken: TestContext.Current.CancellationToken);

        Assert.DoesNotContain("K2.5 reasoning", server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Caller_written_reasoning_without_an_origin_is_sent_as_given()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var toolTurn = new KimiMessage(MessageRole.Assistant) { Reasoning = Reasoning };
        toolTurn.ToolCalls.Add(new ToolCall("get_weather_0", "get_weather", Arguments));

        await client.CompleteAsync(
            [KimiMessage.User("Weather in Paris?"), toolTurn, KimiMessage.Tool("get_weather_0", "{\"weather\":\"Sunny\"}")],
            cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedToolMessages(KimiProvider.Moonshot, ReasoningMembers(KimiProvider.Moonshot, Reasoning)), Messages(server.Body));
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task A_tool_call_turn_with_empty_text_has_no_content_key(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var emptyText = new KimiMessage(MessageRole.Assistant, string.Empty) { Reasoning = Reasoning };
        emptyText.ToolCalls.Add(new ToolCall(ToolCallId(provider), "get_weather", Arguments));

        await client.CompleteAsync(
            [KimiMessage.User("Weather in Paris?"), emptyText, KimiMessage.Tool(ToolCallId(provider), "{\"weather\":\"Sunny\"}")],
            cancellationToken: TestContext.Current.CancellationToken);

        var assistant = JsonNode.Parse(server.Body)!["messages"]![1]!.AsObject();
        Assert.False(assistant.ContainsKey("content"));
        Assert.DoesNotContain("\"text\":\"\"", server.Body);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task A_tool_call_turn_with_text_sends_the_text_as_a_string(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var completion = KimiModelFactory.ChatCompletion(
            "Let me check.", Reasoning, [new ToolCall(ToolCallId(provider), "get_weather", Arguments)], reasoningOrigin: RecordingServer.Origin(provider));

        await client.CompleteAsync(ToolHistory(provider, completion), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Let me check.", JsonNode.Parse(server.Body)!["messages"]![1]!["content"]!.GetValue<string>());
    }

    [Theory(Timeout = 10_000)]
    [InlineData("functions.get_weather:0")]
    [InlineData("get_weather_0")]
    [InlineData("call_9f/+=:x y")]
    public async Task Tool_call_ids_round_trip_verbatim(string id)
    {
        using var server = RecordingServer.Start(KimiProvider.SGLang);
        using var client = server.Client(KimiProvider.SGLang);
        var toolTurn = KimiMessage.Assistant(KimiModelFactory.ChatCompletion(
            reasoning: Reasoning, toolCalls: [new ToolCall(id, "get_weather", Arguments)], reasoningOrigin: new ReasoningOrigin("sglang", "moonshotai/Kimi-K2.6")));
        var result = KimiMessage.Tool(id, "{\"weather\":\"Sunny\"}");
        result.Name = "get_weather";

        await client.CompleteAsync([KimiMessage.User("Weather?"), toolTurn, result], cancellationToken: TestContext.Current.CancellationToken);

        var messages = JsonNode.Parse(server.Body)!["messages"]!;
        Assert.Equal(id, messages[1]!["tool_calls"]![0]!["id"]!.GetValue<string>());
        JsonAssert.Equal(
            $$"""{"role":"tool","content":"{\"weather\":\"Sunny\"}","tool_call_id":{{JsonValue.Create(id).ToJsonString()}},"name":"get_weather"}""",
            messages[2]!.ToJsonString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Two_tool_calls_and_two_results_keep_their_order_and_ids()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var toolTurn = KimiMessage.Assistant(KimiModelFactory.ChatCompletion(
            reasoning: "Two calls.",
            toolCalls: [new ToolCall("get_weather_0", "get_weather", Arguments), new ToolCall("get_time_1", "get_time", "{\"zone\":\"UTC\"}")],
            reasoningOrigin: new ReasoningOrigin("moonshot", "kimi-k2.6")));

        await client.CompleteAsync(
            [KimiMessage.User("Weather and time?"), toolTurn, KimiMessage.Tool("get_weather_0", "Sunny"), KimiMessage.Tool("get_time_1", "12:00")],
            cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """
            [{"role":"user","content":"Weather and time?"},
             {"role":"assistant","reasoning_content":"Two calls.","tool_calls":[
               {"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}},
               {"id":"get_time_1","type":"function","function":{"name":"get_time","arguments":"{\"zone\":\"UTC\"}"}}]},
             {"role":"tool","content":"Sunny","tool_call_id":"get_weather_0"},
             {"role":"tool","content":"12:00","tool_call_id":"get_time_1"}]
            """,
            Messages(server.Body));
    }
}
