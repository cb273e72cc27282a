using System.ComponentModel;
using System.Text.Json;
using Kimi.Client.Ecosystem.Tests.Infrastructure;
using Kimi.Client.Testing;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Ecosystem.Tests.AgentFramework;

/// <summary>
/// Microsoft Agent Framework's <see cref="ChatClientAgent"/> over <c>kimi.AsIChatClient()</c>: a thinking tool loop on the
/// Moonshot dialect (400 to any tool-call turn sent back without its reasoning), streaming and not, and a conversation that
/// survives the framework's session serialization with its reasoning intact.
/// </summary>
public class ChatClientAgentTests
{
    private const string WeatherReasoning = "Need the weather in Paris: call get_weather.";
    private const string ForecastReasoning = "Now the forecast: call get_forecast.";

    internal static AITool[] Tools() =>
    [
        AIFunctionFactory.Create(([Description("The city.")] string city) => $"Sunny, 21 °C in {city}", "get_weather", "Current weather in a city."),
        AIFunctionFactory.Create(([Description("The city.")] string city, [Description("Days.")] int days) => $"{city}: rain for {days} days", "get_forecast", "Forecast for the next days."),
    ];

    internal static ChatClientAgent CreateAgent(KimiHarness harness, string name = "weather", string instructions = "You answer weather questions.", params AITool[] tools) =>
        new(harness.Client.AsIChatClient(), instructions: instructions, name: name, tools: tools.Length == 0 ? Tools() : tools);

    private static void EnqueueLoop(KimiEmulator emulator)
    {
        emulator.Enqueue(EmulatorReply.FromToolCalls(WeatherReasoning, new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromToolCalls(ForecastReasoning, new EmulatorToolCall("get_forecast", """{"city":"Paris","days":2}""")));
        emulator.Enqueue(EmulatorReply.FromText("Sunny now, rain for 2 days.", "Answer."));
    }

    private static async Task<string> RunAsync(ChatClientAgent agent, string question, AgentSession session, bool streaming, CancellationToken ct)
    {
        if (!streaming)
        {
            return (await agent.RunAsync(question, session, cancellationToken: ct)).Text;
        }

        var updates = new List<AgentResponseUpdate>();
        await foreach (var update in agent.RunStreamingAsync(question, session, cancellationToken: ct))
        {
            updates.Add(update);
        }

        return updates.ToAgentResponse().Text;
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_ChatClientAgent_runs_a_thinking_tool_loop_on_Moonshot_with_reasoning_echoed_at_every_step(bool streaming)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        EnqueueLoop(harness.Emulator);
        var agent = CreateAgent(harness);

        var text = await RunAsync(agent, "Weather in Paris now and later?", await agent.CreateSessionAsync(ct), streaming, ct);

        Assert.Equal("Sunny now, rain for 2 days.", text);
        Assert.Equal(3, harness.Emulator.Requests.Count);
        Assert.All(harness.Emulator.Requests, r => Assert.Equal(streaming, r.Stream));
        harness.AssertThinkingAndReasoning(1, WeatherReasoning);
        harness.AssertThinkingAndReasoning(2, WeatherReasoning, ForecastReasoning);
        Assert.Equal("system", harness.Messages(0)[0].GetProperty("role").GetString());
    }

    [Theory(Timeout = 30_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_session_serialized_and_restored_keeps_reasoning_so_the_next_tool_call_turn_is_accepted(bool streaming)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        EnqueueLoop(harness.Emulator);
        var agent = CreateAgent(harness);
        var session = await agent.CreateSessionAsync(ct);
        await RunAsync(agent, "Weather in Paris now and later?", session, streaming, ct);

        // As an app would between two HTTP requests: to text, and back through a fresh agent.
        var saved = (await agent.SerializeSessionAsync(session, cancellationToken: ct)).GetRawText();
        var restoredAgent = CreateAgent(harness);
        var restored = await restoredAgent.DeserializeSessionAsync(JsonDocument.Parse(saved).RootElement, cancellationToken: ct);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Tomorrow too: get_forecast for 1 day.", new EmulatorToolCall("get_forecast", """{"city":"Paris","days":1}""")));
        harness.Emulator.Enqueue(EmulatorReply.FromText("Rain tomorrow.", "Answer."));

        var text = await RunAsync(restoredAgent, "And tomorrow?", restored, streaming, ct);

        Assert.Equal("Rain tomorrow.", text);
        Assert.Equal(5, harness.Emulator.Requests.Count);
        harness.AssertThinkingAndReasoning(3, WeatherReasoning, ForecastReasoning);
        harness.AssertThinkingAndReasoning(4, WeatherReasoning, ForecastReasoning, "Tomorrow too: get_forecast for 1 day.");
        Assert.Contains(WeatherReasoning, saved, StringComparison.Ordinal); // the reasoning is in the saved session itself
    }

    [Theory(Timeout = 60_000)]
    [InlineData(Mcp.McpTransport.Http)]
    [InlineData(Mcp.McpTransport.Stdio)]
    public async Task A_ChatClientAgent_uses_tools_from_an_mcp_server_with_thinking_on(Mcp.McpTransport transport)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await Mcp.McpConnection.OpenAsync(transport, ct);
        await using var harness = await KimiHarness.StartAsync(Dialect.Moonshot);
        EnqueueLoop(harness.Emulator);
        var agent = CreateAgent(harness, tools: [.. await mcp.ToolsAsync(ct, "get_weather", "get_forecast")]);

        var text = await RunAsync(agent, "Weather in Paris now and later?", await agent.CreateSessionAsync(ct), streaming: true, ct);

        Assert.Equal("Sunny now, rain for 2 days.", text);
        harness.AssertThinkingAndReasoning(2, WeatherReasoning, ForecastReasoning);
        Assert.Equal(["Sunny, 21 °C in Paris", "Paris: rain for 2 days"], harness.ToolMessages(2).Select(m => m.GetProperty("content").GetString()));
    }
}
