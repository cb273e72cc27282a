using System.Collections.Concurrent;
using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Agents;

/// <summary>Spec-shaped streams (conformance 20–21), replayed byte for byte by a plain server, feed the loop.</summary>
public class AgentStreamedToolCallTests
{
    private static string Fixture(string name) => Sse.Frame(Fixtures.Text(Path.Combine("Agents", "Fixtures", name)));

    [Theory(Timeout = 15_000)]
    [InlineData("moonshot-indexless-tool-calls-with-reasoning.sse", "get_weather_0", "get_time_1", "Need weather and time. Call both.")]
    [InlineData("conformance-20-tool-calls-out-of-order.sse", "call-weather", "call-time", null)]
    public async Task Tool_call_fragments_without_index_or_id_are_assembled_run_and_sent_back_verbatim(string fixture, string weatherId, string timeId, string? reasoning)
    {
        var replies = new ConcurrentQueue<string>([Fixture(fixture), Fixture("moonshot-final-answer.sse")]);
        await using var server = await LoopbackServer.StartAsync(context => LoopbackServer.WriteSseAsync(context, [replies.TryDequeue(out var next) ? next : string.Empty]));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        var cities = new ConcurrentQueue<string>();
        var zones = new ConcurrentQueue<string>();
        var agent = new KimiAgent(client, [AgentHarness.Weather(cities.Enqueue), AgentHarness.Time(zones.Enqueue)]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        Assert.Equal("Sunny in Paris, 12:00 UTC.", result.Text);
        Assert.Equal(["Paris"], cities);
        Assert.Equal(["UTC"], zones);
        var bodies = server.RequestBodies.ToArray();
        Assert.Equal(2, bodies.Length);
        using var second = JsonDocument.Parse(bodies[1]);
        var messages = second.RootElement.GetProperty("messages");
        var assistant = messages[2];
        // Non-empty reasoning byte for byte; none received means Moonshot's " " placeholder, never omission.
        Assert.Equal(reasoning ?? " ", assistant.GetProperty("reasoning_content").GetString());
        var calls = assistant.GetProperty("tool_calls");
        Assert.Equal(weatherId, calls[0].GetProperty("id").GetString());
        Assert.Equal("get_weather", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris"}""", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(timeId, calls[1].GetProperty("id").GetString());
        Assert.Equal("""{"zone":"UTC"}""", calls[1].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(weatherId, messages[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("Sunny in Paris", messages[3].GetProperty("content").GetString());
        Assert.Equal(timeId, messages[4].GetProperty("tool_call_id").GetString());
        Assert.Equal("12:00 UTC", messages[4].GetProperty("content").GetString());
    }

    [Fact(Timeout = 15_000)]
    public async Task Usage_read_from_moonshots_choice_and_trailing_chunks_is_counted_once_per_step()
    {
        var replies = new ConcurrentQueue<string>([Fixture("moonshot-indexless-tool-calls-with-reasoning.sse"), Fixture("moonshot-final-answer.sse")]);
        await using var server = await LoopbackServer.StartAsync(context => LoopbackServer.WriteSseAsync(context, [replies.TryDequeue(out var next) ? next : string.Empty]));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        var agent = new KimiAgent(client, [AgentHarness.Weather(), AgentHarness.Time()]);

        var result = await agent.RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(513, result.Usage.InputTokens);
        Assert.Equal(13, result.Usage.CachedInputTokens);
        Assert.Equal(119, result.Usage.OutputTokens);
        Assert.Equal(50, result.Usage.ReasoningTokens);
        Assert.Equal((500 * 0.95m + 13 * 0.16m + 119 * 4.00m) / 1_000_000m, result.CostUsd);
    }
}
