using System.Text;
using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Agents;

/// <summary>Compaction inside a run: what goes on the wire, the caller's exact counter, and compaction records that replay on resume.</summary>
public class AgentCompactionTests
{
    private const int Window = 16_384;

    /// <summary>Reads the file after the highest one asked for so far (the recent turns are never compacted away); after file 60 it answers. A request without tools is a summary.</summary>
    private static EmulatorReply Script(EmulatorRequest request)
    {
        if (!request.Json.TryGetProperty("tools", out _))
        {
            return EmulatorReply.FromText("Summary: files read so far are all fine.");
        }

        var read = AgentHarness.Messages(request).EnumerateArray()
            .Where(m => m.TryGetProperty("tool_calls", out _))
            .Select(m => JsonDocument.Parse(m.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("n").GetInt32())
            .DefaultIfEmpty(0)
            .Max();
        return read >= 60
            ? EmulatorReply.FromText("Read 60 files.", "Done.")
            : EmulatorReply.FromToolCalls(new string('r', 400), new EmulatorToolCall("read", $$"""{"n":{{read + 1}}}"""));
    }

    private static AIFunction Read() => AIFunctionFactory.Create((int n) => $"file {n}: " + new string('x', 2_000), "read", "Reads file n.");

    private static KimiAgentOptions Options(IKimiAgentCheckpointStore? store = null) => new()
    {
        MaxSteps = null,
        ContextWindow = Window,
        CallOptions = new ChatCompletionOptions { MaxOutputTokens = 256 },
        Compaction = new KimiCompactionOptions { Summarize = true },
        CheckpointStore = store,
    };

    [Fact(Timeout = 30_000)]
    public async Task Compaction_keeps_every_request_inside_the_window_with_moonshots_placeholder_on_older_tool_call_turns()
    {
        await using var emulator = AgentHarness.Emulator(contextWindow: Window);
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var events = new List<KimiAgentHistoryCompacted>();
        KimiAgentRunResult? result = null;

        await foreach (var item in new KimiAgent(client, [Read()], Options()).RunStreamingAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            if (item is KimiAgentHistoryCompacted compacted)
            {
                events.Add(compacted);
            }

            result = (item as KimiAgentRunCompleted)?.Result ?? result;
        }

        Assert.Equal(KimiAgentStopReason.Completed, result!.StopReason);
        Assert.NotEmpty(events);
        Assert.Contains(events, e => e.MessagesSummarized > 0);
        Assert.All(emulator.Requests.Where(r => r.Json.TryGetProperty("tools", out _)), r => Assert.Equal(256, r.Json.GetProperty("max_completion_tokens").GetInt32()));
        Assert.All(emulator.Requests.Where(r => !r.Json.TryGetProperty("tools", out _)), r => Assert.Equal("disabled", r.Json.GetProperty("thinking").GetProperty("type").GetString()));
        // Moonshot's rule holds in every request: each tool-call turn carries reasoning, " " once compacted, and the last four verbatim.
        var agentRequests = emulator.Requests.Where(r => r.Json.TryGetProperty("tools", out _)).ToList();
        foreach (var request in agentRequests)
        {
            var toolTurns = AgentHarness.Messages(request).EnumerateArray().Where(m => m.TryGetProperty("tool_calls", out _)).ToList();
            Assert.All(toolTurns, m => Assert.Contains(AgentHarness.StringOrNull(m, "reasoning_content"), new[] { " ", new string('r', 400) }));
            Assert.All(toolTurns.TakeLast(4), m => Assert.Equal(new string('r', 400), AgentHarness.StringOrNull(m, "reasoning_content")));
        }

        Assert.Contains(agentRequests, r => AgentHarness.Messages(r).EnumerateArray().Any(m => AgentHarness.StringOrNull(m, "reasoning_content") == " "));
        var last = AgentHarness.Messages(agentRequests.First(r => AgentHarness.Messages(r).EnumerateArray().Any(m => m.GetProperty("role").GetString() == "tool" &&
            m.GetProperty("content").GetString()!.Contains("elided", StringComparison.Ordinal)))).EnumerateArray().ToList();
        Assert.Contains(last, m => m.GetProperty("role").GetString() == "tool" && m.GetProperty("content").GetString()!.Contains("characters elided to fit the context window", StringComparison.Ordinal));
        Assert.Equal(AgentHarness.System, last[0].GetProperty("content").GetString());
        Assert.Equal(AgentHarness.Question, last[1].GetProperty("content").GetString());
        for (var i = 0; i < last.Count; i++)
        {
            if (last[i].TryGetProperty("tool_calls", out var calls))
            {
                Assert.Equal(calls[0].GetProperty("id").GetString(), last[i + 1].GetProperty("tool_call_id").GetString());
            }
        }
    }

    [Fact(Timeout = 30_000)]
    public async Task An_exact_token_counter_is_asked_when_the_estimate_says_compaction_is_due_and_its_answer_decides()
    {
        await using var emulator = AgentHarness.Emulator(contextWindow: 1_000_000);
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var asked = 0;
        var options = Options();
        options.Compaction.TokenCounter = (messages, _) =>
        {
            asked++;
            return ValueTask.FromResult(100); // the provider says the prompt is small: no compaction
        };
        var compactions = 0;

        await foreach (var item in new KimiAgent(client, [Read()], options).RunStreamingAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            compactions += item is KimiAgentHistoryCompacted ? 1 : 0;
        }

        Assert.True(asked > 0);
        Assert.Equal(0, compactions);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("Moonshot", true)]
    [InlineData("Vllm", false)]
    public async Task Asked_to_the_agent_counts_with_the_hosts_token_count_call_where_the_host_has_one(string host, bool hasCountCall)
    {
        await using var emulator = AgentHarness.Emulator(KimiProvider.FromName(host), contextWindow: 1_000_000);
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var options = Options();
        options.Compaction.UseHostTokenCount = true;

        var result = await new KimiAgent(client, [Read()], options).RunAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        var counts = emulator.Requests.Where(r => r.Path.EndsWith("/tokenizers/estimate-token-count", StringComparison.Ordinal)).ToList();
        if (hasCountCall)
        {
            // Asked only when the estimate crossed the trigger, with the conversation as it would be sent; the count agreed.
            Assert.NotEmpty(counts);
            Assert.All(counts, r => Assert.Equal("POST", r.Method));
            Assert.All(counts, r => Assert.Equal(AgentHarness.System, r.Json.GetProperty("messages")[0].GetProperty("content").GetString()));
            Assert.True(counts.Count < emulator.Requests.Count(r => r.Json.TryGetProperty("tools", out _)));
        }
        else
        {
            Assert.Empty(counts); // vLLM has no count call: the estimate decides, nothing extra is sent
        }

        Assert.True(result.Compactions > 0);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_run_resumed_after_its_compactions_were_recorded_rebuilds_the_same_compacted_history()
    {
        await using var emulator = AgentHarness.Emulator(contextWindow: Window);
        emulator.Responder = Script;
        using var client = AgentHarness.InMemoryClient(emulator);
        var store = new InMemoryKimiAgentCheckpointStore();
        var full = await new KimiAgent(client, [Read()], Options(store)).RunAsync("compacting", AgentHarness.Conversation(), TestContext.Current.CancellationToken);
        Assert.Equal(KimiAgentStopReason.Completed, full.StopReason);
        IReadOnlyList<KimiAgentCheckpoint> records;
        await using (var session = await store.OpenAsync("compacting", TestContext.Current.CancellationToken))
        {
            records = await session.ReadAllAsync(TestContext.Current.CancellationToken);
        }

        var kinds = records.Select(r => Encoding.UTF8.GetString(r.Data.Span).Split("\"kind\":\"")[1].Split('"')[0]).ToList();
        var lastCompaction = kinds.LastIndexOf("compacted");
        Assert.True(lastCompaction > 0 && full.Compactions > 0);

        // Crash right after the last compaction was recorded, and resume.
        var crashed = new InMemoryKimiAgentCheckpointStore();
        await using (var session = await crashed.OpenAsync("compacting", TestContext.Current.CancellationToken))
        {
            await session.AppendAsync([.. records.Take(lastCompaction + 1)], TestContext.Current.CancellationToken);
        }

        var resumed = await new KimiAgent(client, [Read()], Options(crashed)).ResumeAsync("compacting", TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.Completed, resumed.StopReason);
        Assert.Equal(full.Text, resumed.Text);
        Assert.Equal(full.Compactions, resumed.Compactions);
        // Exact sums (cached tokens aside: the emulator's cache remembers the full run's last request, not the crash point).
        Assert.Equal(
            (full.Usage.InputTokens, full.Usage.OutputTokens, full.Usage.ReasoningTokens, full.Usage.TotalTokens),
            (resumed.Usage.InputTokens, resumed.Usage.OutputTokens, resumed.Usage.ReasoningTokens, resumed.Usage.TotalTokens));
        Assert.Equal(full.Messages.Select(m => (m.Role, m.Text, m.Reasoning, m.ToolCallId)), resumed.Messages.Select(m => (m.Role, m.Text, m.Reasoning, m.ToolCallId)));
    }

    [Fact(Timeout = 30_000)]
    public async Task When_the_estimate_falls_short_and_the_provider_rejects_the_prompt_the_agent_compacts_and_retries_once()
    {
        // Control characters go out as \u0001: six bytes each on the wire, against one character in the agent's estimate.
        await using var emulator = AgentHarness.Emulator(contextWindow: 6_000);
        emulator.Responder = request =>
        {
            var turns = AgentHarness.Messages(request).EnumerateArray().Count(m => m.TryGetProperty("tool_calls", out _));
            return turns >= 8 ? EmulatorReply.FromText("Done.") : EmulatorReply.FromToolCalls("Next.", new EmulatorToolCall("dump", "{}"));
        };
        using var client = AgentHarness.InMemoryClient(emulator);
        var dump = AIFunctionFactory.Create(() => new string('\u0001', 2_000), "dump", "Dumps binary.");
        var options = new KimiAgentOptions
        {
            ContextWindow = 6_000,
            CallOptions = new ChatCompletionOptions { MaxOutputTokens = 200 },
            Compaction = new KimiCompactionOptions { KeepRecentTurns = 1, ToolResultHeadChars = 50, ToolResultTailChars = 50 },
        };
        var events = new List<KimiAgentEvent>();

        await foreach (var item in new KimiAgent(client, [dump], options).RunStreamingAsync(AgentHarness.Conversation(), TestContext.Current.CancellationToken))
        {
            events.Add(item);
        }

        var result = Assert.IsType<KimiAgentRunCompleted>(events[^1]).Result;
        Assert.Equal(KimiAgentStopReason.Completed, result.StopReason);
        var compactions = events.OfType<KimiAgentHistoryCompacted>().ToList();
        Assert.NotEmpty(compactions);
        // Each rejected request was followed by a compaction and the same step again: one request more than completed calls.
        var completedCalls = events.OfType<KimiAgentModelCallCompleted>().Count();
        var rejected = emulator.Requests.Count - completedCalls;
        Assert.InRange(rejected, 1, compactions.Count);
        Assert.Equal(result.Steps, emulator.Requests.Count);
    }
}
