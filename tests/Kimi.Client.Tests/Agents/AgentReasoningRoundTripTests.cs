using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Agents;

/// <summary>Reasoning survives every turn of a run, in each dialect's field(s) (conformance 1–5), checked on the wire.</summary>
public class AgentReasoningRoundTripTests
{
    private const string FirstReasoning = "I should check the weather in Paris first.";

    [Theory(Timeout = 15_000)]
    [MemberData(nameof(AgentHarness.DialectsAndTransports), MemberType = typeof(AgentHarness))]
    public async Task Steps_after_the_first_carry_the_earlier_reasoning_in_the_dialect_fields_over_http(KimiProvider provider, bool streaming)
    {
        await using var emulator = AgentHarness.Emulator(provider);
        using var client = await AgentHarness.KestrelClientAsync(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls(FirstReasoning, new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromToolCalls(null, new EmulatorToolCall("get_time", """{"zone":"UTC"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny in Paris at noon UTC.", "Both tools answered; summarize."));
        var agent = new KimiAgent(client, [AgentHarness.Weather(), AgentHarness.Time()], new KimiAgentOptions { UseStreaming = streaming });

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal("Sunny in Paris at noon UTC.", result.Text);
        Assert.Equal(3, result.Steps);
        var requests = emulator.Requests;
        Assert.Equal(3, requests.Count);
        var fields = AgentHarness.ReasoningFields(provider);
        var moonshot = provider == KimiProvider.Moonshot;
        var weatherId = moonshot ? "get_weather_0" : "functions.get_weather:0";
        var timeId = moonshot ? "get_time_1" : "functions.get_time:1";

        // Step 2: the first tool-call turn goes back with its reasoning, byte for byte, in every field the dialect writes.
        var firstTurn = AgentHarness.Message(requests[1], 2);
        AssertReasoning(firstTurn, fields, FirstReasoning);
        Assert.Equal(weatherId, firstTurn.GetProperty("tool_calls")[0].GetProperty("id").GetString());
        var firstResult = AgentHarness.Message(requests[1], 3);
        Assert.Equal("tool", firstResult.GetProperty("role").GetString());
        Assert.Equal(weatherId, firstResult.GetProperty("tool_call_id").GetString());
        Assert.Equal("Sunny in Paris", firstResult.GetProperty("content").GetString());

        // Step 3: still there, and the turn that reasoned emptily gets Moonshot's " " placeholder (other dialects need none).
        AssertReasoning(AgentHarness.Message(requests[2], 2), fields, FirstReasoning);
        var secondTurn = AgentHarness.Message(requests[2], 4);
        Assert.Equal(timeId, secondTurn.GetProperty("tool_calls")[0].GetProperty("id").GetString());
        if (moonshot)
        {
            AssertReasoning(secondTurn, fields, " ");
        }
        else
        {
            AssertReasoning(secondTurn, fields, expected: null);
        }

        Assert.Equal(timeId, AgentHarness.Message(requests[2], 5).GetProperty("tool_call_id").GetString());
    }

    [Theory(Timeout = 15_000)]
    [InlineData("Moonshot", true)]
    [InlineData("Moonshot", false)]
    [InlineData("Vllm", true)]
    [InlineData("SGLang", true)]
    public async Task Preserved_thinking_sends_reasoning_on_every_assistant_turn_and_enabled_only_on_tool_call_turns(string providerName, bool preserve)
    {
        var provider = KimiProvider.FromName(providerName);
        await using var emulator = AgentHarness.Emulator(provider);
        using var client = AgentHarness.InMemoryClient(emulator);
        var options = new KimiAgentOptions { CallOptions = new ChatCompletionOptions { Thinking = preserve ? ThinkingMode.Preserved : ThinkingMode.Enabled } };
        var agent = new KimiAgent(client, [AgentHarness.Weather()], options);
        emulator.Enqueue(EmulatorReply.FromToolCalls("R-tool-1", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny.", "R-answer-1"));
        emulator.Enqueue(EmulatorReply.FromToolCalls("R-tool-2", new EmulatorToolCall("get_weather", """{"city":"Lyon"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Also sunny.", "R-answer-2"));

        var first = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);
        var second = await agent.RunAsync([.. first.Messages, KimiMessage.User("And Lyon?")], TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, second.StopReason);
        var last = emulator.Requests[^1];
        var fields = AgentHarness.ReasoningFields(provider);
        // [system, user, assistant(tool), tool, assistant(answer), user, assistant(tool), tool]
        AssertReasoning(AgentHarness.Message(last, 2), fields, "R-tool-1");
        AssertReasoning(AgentHarness.Message(last, 4), fields, preserve ? "R-answer-1" : null);
        AssertReasoning(AgentHarness.Message(last, 6), fields, "R-tool-2");
        if (provider == KimiProvider.Moonshot)
        {
            var thinking = last.Json.GetProperty("thinking");
            Assert.Equal("enabled", thinking.GetProperty("type").GetString());
            Assert.Equal(preserve ? "all" : null, AgentHarness.StringOrNull(thinking, "keep"));
        }
        else
        {
            Assert.True(last.Json.GetProperty("chat_template_kwargs").GetProperty("preserve_thinking").GetBoolean());
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task A_hand_built_tool_call_turn_without_reasoning_passes_on_moonshot_with_the_placeholder()
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        var handMade = new KimiMessage(MessageRole.Assistant);
        handMade.ToolCalls.Add(new ToolCall("get_weather_0", "get_weather", """{"city":"Paris"}"""));
        KimiMessage[] history = [KimiMessage.User(AgentHarness.Question), handMade, KimiMessage.Tool("get_weather_0", "Sunny in Paris")];
        emulator.Enqueue(EmulatorReply.FromText("It is sunny.", "The tool said sunny."));
        var agent = new KimiAgent(client, [AgentHarness.Weather()]);

        var result = await agent.RunAsync(history, TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        var sent = Assert.Single(emulator.Requests);
        Assert.Equal(" ", AgentHarness.StringOrNull(AgentHarness.Message(sent, 1), "reasoning_content"));
    }

    [Theory(Timeout = 15_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_emulator_rejects_the_agents_own_request_once_its_reasoning_is_taken_off_the_wire(bool sendEmptyString)
    {
        await using var emulator = AgentHarness.Emulator();
        using var client = AgentHarness.InMemoryClient(emulator);
        emulator.Enqueue(EmulatorReply.FromToolCalls(FirstReasoning, new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny.", "Done."));
        var agent = new KimiAgent(client, [AgentHarness.Weather()]);
        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);

        // The regression this guards against: the SDK dropping (or emptying) the reasoning of a tool-call turn.
        var body = JsonNode.Parse(emulator.Requests[1].Body)!.AsObject();
        var assistant = body["messages"]![2]!.AsObject();
        Assert.Equal(FirstReasoning, (string?)assistant["reasoning_content"]);
        if (sendEmptyString)
        {
            assistant["reasoning_content"] = string.Empty;
        }
        else
        {
            assistant.Remove("reasoning_content");
        }

        using var http = new HttpClient(emulator.CreateHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, emulator.BaseAddress + "/chat/completions")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestClients.ApiKey);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonAssert.Equal(
            """{"error":{"message":"thinking is enabled but reasoning_content is missing in assistant tool call message at index 2","type":"invalid_request_error"}}""",
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static void AssertReasoning(JsonElement message, string[] fields, string? expected)
    {
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        foreach (var field in new[] { "reasoning", "reasoning_content" })
        {
            var value = AgentHarness.StringOrNull(message, field);
            Assert.True(
                value == (fields.Contains(field) ? expected : null) && (value is not null || !message.TryGetProperty(field, out _)),
                $"'{field}' should be {(fields.Contains(field) && expected is not null ? JsonSerializer.Serialize(expected) : "absent")} in {message.GetRawText()}");
        }
    }
}
