using System.Collections.Concurrent;
using System.Text;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Agents.Checkpoints;

/// <summary>
/// Checkpoints and ResumeAsync with the in-memory store. A crash after any record is simulated by copying the records up to
/// it into a fresh store: the resumed run must end with the same history, run no recorded call again and sum usage exactly.
/// </summary>
public class AgentResumeTests
{
    private const string RunId = "trip-1";
    private const string Booked = "Booked AF1234.";

    /// <summary>The model, decided by how many assistant turns the request holds, so a repeated call gets the same answer.</summary>
    private static EmulatorReply Script(EmulatorRequest request)
    {
        var turns = AgentHarness.Messages(request).EnumerateArray().Count(m => m.GetProperty("role").GetString() == "assistant");
        var reply = turns switch
        {
            0 => EmulatorReply.FromToolCalls("Weather, then book.", new EmulatorToolCall("get_weather", """{"city":"Paris"}"""), new EmulatorToolCall("book_flight", """{"to":"Paris"}""")),
            1 => EmulatorReply.FromToolCalls("Check Lyon too.", new EmulatorToolCall("get_weather", """{"city":"Lyon"}""")),
            _ => EmulatorReply.FromText("Sunny in Paris and Lyon; flight booked.", "Report."),
        };
        reply.PromptTokens = 100 * (turns + 1);
        reply.CompletionTokens = 20 + turns;
        reply.CachedTokens = 50 * turns;
        reply.ReasoningTokens = 5;
        return reply;
    }

    private sealed class Tools
    {
        public ConcurrentQueue<string> Calls { get; } = new();

        public AIFunction[] All =>
        [
            AIFunctionFactory.Create((string city) => { Calls.Enqueue("get_weather " + city); return $"Sunny in {city}"; }, "get_weather", "Weather."),
            AIFunctionFactory.Create((string to) => { Calls.Enqueue("book_flight " + to); return Booked; }, "book_flight", "Books a flight (not idempotent)."),
        ];
    }

    private static KimiAgentOptions Options(IKimiAgentCheckpointStore store, Func<ToolCall, CancellationToken, ValueTask<string?>>? handler = null)
    {
        var options = new KimiAgentOptions { CheckpointStore = store, InterruptedToolCallHandler = handler, MaxParallelToolCalls = 1 };
        options.IdempotentTools.Add("get_weather");
        return options;
    }

    private static async Task<IReadOnlyList<KimiAgentCheckpoint>> RecordsAsync(InMemoryKimiAgentCheckpointStore store, string runId = RunId)
    {
        await using var session = await store.OpenAsync(runId, TestContext.Current.CancellationToken);
        return await session.ReadAllAsync(TestContext.Current.CancellationToken);
    }

    private static async Task<InMemoryKimiAgentCheckpointStore> PrefixAsync(IReadOnlyList<KimiAgentCheckpoint> records, int count)
    {
        var store = new InMemoryKimiAgentCheckpointStore();
        await using var session = await store.OpenAsync(RunId, TestContext.Current.CancellationToken);
        await session.AppendAsync([.. records.Take(count)], TestContext.Current.CancellationToken);
        return store;
    }

    private static string Kind(KimiAgentCheckpoint record) => Encoding.UTF8.GetString(record.Data.Span).Split("\"kind\":\"")[1].Split('"')[0];

    [Fact(Timeout = 60_000)]
    public async Task A_run_resumed_after_a_crash_at_any_record_ends_with_the_same_history_and_exact_usage_and_no_recorded_call_runs_twice()
    {
        await using var emulator = AgentHarness.Emulator();
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var store = new InMemoryKimiAgentCheckpointStore();
        var tools = new Tools();
        var full = await new KimiAgent(client, tools.All, Options(store)).RunAsync(RunId, AgentHarness.Conversation(), TestContext.Current.CancellationToken);
        Assert.Equal(KimiAgentStopReason.Completed, full.StopReason);
        Assert.Equal(["get_weather Paris", "book_flight Paris", "get_weather Lyon"], tools.Calls);
        var records = await RecordsAsync(store);
        Assert.Equal(
            ["started", "model_call", "tool_started", "tool_completed", "tool_started", "tool_completed", "model_call", "tool_started", "tool_completed", "model_call", "ended"],
            records.Select(Kind));

        for (var crashAfter = 1; crashAfter < records.Count; crashAfter++)
        {
            var prefix = records.Take(crashAfter).ToList();
            var interruptedBooking = prefix.Count(r => Kind(r) == "tool_started") == 2 && prefix.Count(r => Kind(r) == "tool_completed") == 1;
            var resumedTools = new Tools();
            var asked = new List<string>();
            var agent = new KimiAgent(client, resumedTools.All, Options(await PrefixAsync(records, crashAfter), (call, _) =>
            {
                asked.Add(call.Name);
                return ValueTask.FromResult<string?>("Booked AF1234 (confirmed by the caller).");
            }));

            var resumed = await agent.ResumeAsync(RunId, TestContext.Current.CancellationToken);

            Assert.Equal(KimiAgentStopReason.Completed, resumed.StopReason);
            Assert.Equal(full.Text, resumed.Text);
            Assert.Equal(RunId, resumed.RunId);
            Assert.Equal(full.Steps, resumed.Steps);
            Assert.Equal(full.Usage.ToString(), resumed.Usage.ToString());
            Assert.Equal(full.CostUsd, resumed.CostUsd);
            Assert.True(full.Messages.Count == resumed.Messages.Count, $"crash after {crashAfter}: {string.Join(" | ", resumed.Messages)}");
            for (var i = 0; i < full.Messages.Count; i++)
            {
                var (expected, actual) = (full.Messages[i], resumed.Messages[i]);
                Assert.Equal(expected.Role, actual.Role);
                Assert.Equal(expected.Reasoning, actual.Reasoning);
                Assert.Equal(expected.ReasoningOrigin, actual.ReasoningOrigin);
                Assert.Equal(expected.ToolCallId, actual.ToolCallId);
                Assert.Equal(expected.ToolCalls.Select(c => c.Id + c.Name + c.Arguments), actual.ToolCalls.Select(c => c.Id + c.Name + c.Arguments));
                Assert.Equal(interruptedBooking && expected.ToolCallId == "book_flight_1" ? "Booked AF1234 (confirmed by the caller)." : expected.Text, actual.Text);
            }

            // Exactly the calls without a recorded result ran again, except the interrupted booking, which went to the caller.
            var answered = prefix.Where(r => Kind(r) == "tool_completed").Select(r => Encoding.UTF8.GetString(r.Data.Span).Split("\"tool_call_id\":\"")[1].Split('"')[0]).ToHashSet();
            var labels = new Dictionary<string, string> { ["get_weather_0"] = "get_weather Paris", ["book_flight_1"] = "book_flight Paris", ["get_weather_2"] = "get_weather Lyon" };
            var rerun = labels.Where(l => !answered.Contains(l.Key) && !(interruptedBooking && l.Key == "book_flight_1")).Select(l => l.Value);
            Assert.Equal(rerun, resumedTools.Calls);
            Assert.Equal(interruptedBooking ? ["book_flight"] : [], asked);
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task Without_a_handler_an_interrupted_call_of_a_tool_not_marked_idempotent_gets_an_error_result_and_does_not_run()
    {
        await using var emulator = AgentHarness.Emulator();
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var store = new InMemoryKimiAgentCheckpointStore();
        await new KimiAgent(client, new Tools().All, Options(store)).RunAsync(RunId, AgentHarness.Conversation(), TestContext.Current.CancellationToken);
        var records = await RecordsAsync(store);
        var tools = new Tools();
        var events = new List<KimiAgentEvent>();

        // Crash right after book_flight was recorded as started.
        var agent = new KimiAgent(client, tools.All, Options(await PrefixAsync(records, 5)));
        await foreach (var item in agent.ResumeStreamingAsync(RunId, TestContext.Current.CancellationToken))
        {
            events.Add(item);
        }

        var resumed = Assert.IsType<KimiAgentRunResumed>(events[0]);
        Assert.Equal("book_flight_1", Assert.Single(resumed.InterruptedToolCalls).Id);
        var result = Assert.IsType<KimiAgentRunCompleted>(events[^1]).Result;
        Assert.StartsWith("Error: the call to 'book_flight' was interrupted", result.Messages[4].Text, StringComparison.Ordinal);
        Assert.Equal(["get_weather Lyon"], tools.Calls);
        // The model saw the error result on the wire.
        var sent = AgentHarness.Message(emulator.Requests[^2], 4);
        Assert.Equal("book_flight_1", sent.GetProperty("tool_call_id").GetString());
        Assert.StartsWith("Error: the call to 'book_flight' was interrupted", sent.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 15_000)]
    public async Task Resuming_a_completed_run_returns_its_result_without_a_call()
    {
        await using var emulator = AgentHarness.Emulator();
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var store = new InMemoryKimiAgentCheckpointStore();
        var agent = new KimiAgent(client, new Tools().All, Options(store));
        var full = await agent.RunAsync(RunId, AgentHarness.Conversation(), TestContext.Current.CancellationToken);
        var requests = emulator.Requests.Count;

        var again = await agent.ResumeAsync(RunId, TestContext.Current.CancellationToken);

        Assert.Equal(requests, emulator.Requests.Count);
        Assert.Equal(KimiAgentStopReason.Completed, again.StopReason);
        Assert.Equal(full.Text, again.Text);
        Assert.Equal(full.Usage.ToString(), again.Usage.ToString());
        Assert.Equal(full.Messages.Count, again.Messages.Count);
        Assert.Equal(11, (await RecordsAsync(store)).Count); // nothing appended
        await Assert.ThrowsAsync<InvalidOperationException>(() => agent.RunAsync(RunId, AgentHarness.Conversation(), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 15_000)]
    public async Task A_second_session_on_the_same_run_is_refused_while_the_first_holds_it()
    {
        await using var emulator = AgentHarness.Emulator();
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var store = new InMemoryKimiAgentCheckpointStore();
        var agent = new KimiAgent(client, new Tools().All, Options(store));
        await agent.RunAsync(RunId, AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        await using (await store.OpenAsync(RunId, TestContext.Current.CancellationToken))
        {
            var error = await Assert.ThrowsAsync<KimiAgentRunInUseException>(() => agent.ResumeAsync(RunId, TestContext.Current.CancellationToken));
            Assert.Equal(RunId, error.RunId);
            Assert.Contains(RunId, error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(KimiAgentStopReason.Completed, (await agent.ResumeAsync(RunId, TestContext.Current.CancellationToken)).StopReason);
    }

    [Theory(Timeout = 15_000)]
    [InlineData("garbage", "record 3 cannot be read: not valid JSON")]
    [InlineData("gap", "record 2 (ToolStarted) does not fit the records before it")]
    [InlineData("usage", "says the run used")]
    public async Task A_damaged_checkpoint_is_reported_naming_the_run_and_where_it_is_and_nothing_is_written(string damage, string detail)
    {
        await using var emulator = AgentHarness.Emulator();
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var store = new InMemoryKimiAgentCheckpointStore();
        await new KimiAgent(client, new Tools().All, Options(store)).RunAsync(RunId, AgentHarness.Conversation(), TestContext.Current.CancellationToken);
        var records = (await RecordsAsync(store)).Take(6).ToList();
        records[2] = damage switch
        {
            "garbage" => new KimiAgentCheckpoint(3, Encoding.UTF8.GetBytes("{\"v\":1,\"kind\":\"tool_st")),
            "gap" => records[2],
            _ => new KimiAgentCheckpoint(3, Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(records[2].Data.Span).Replace("\"total\":[100,", "\"total\":[999,", StringComparison.Ordinal))),
        };
        var damaged = new InMemoryKimiAgentCheckpointStore();
        await using (var session = await damaged.OpenAsync(RunId, TestContext.Current.CancellationToken))
        {
            // The store itself checks sequences on append, so a gap is planted record by record.
            for (var i = 0; i < records.Count; i++)
            {
                if (damage == "gap" && i == 1)
                {
                    continue; // the model call is lost: the records after it no longer fit
                }

                await session.AppendAsync([new KimiAgentCheckpoint(damage == "gap" && i > 1 ? i : i + 1, records[i].Data)], TestContext.Current.CancellationToken);
            }
        }

        var requests = emulator.Requests.Count;
        var agent = new KimiAgent(client, new Tools().All, Options(damaged));
        var error = await Assert.ThrowsAsync<KimiAgentCheckpointException>(() => agent.ResumeAsync(RunId, TestContext.Current.CancellationToken));

        Assert.Contains($"run '{RunId}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("InMemoryKimiAgentCheckpointStore", error.Message, StringComparison.Ordinal);
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.Equal(RunId, error.RunId);
        Assert.Equal(requests, emulator.Requests.Count);
        Assert.Equal(damage == "gap" ? 5 : 6, (await RecordsAsync(damaged)).Count);
    }
}
