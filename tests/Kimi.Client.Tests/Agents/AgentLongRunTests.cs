using System.Diagnostics;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.Agents;

/// <summary>
/// A 4,000-step tool-calling run on the emulator (Moonshot dialect, thinking on) inside a 16,384-token window: compaction keeps
/// every request inside the window, the prefix cache keeps hitting, and with compaction off the same run ends with ContextLength.
/// </summary>
public class AgentLongRunTests(ITestOutputHelper output)
{
    private const int Window = 16_384;
    private const int ToolSteps = 4_000;
    private const string Final = "Done: 4000 files read.";

    private static readonly string Reasoning = string.Join(' ', Enumerable.Repeat("Read the next file and note what it says about the parser.", 5));

    /// <summary>The scripted model: a tool call per step, then the answer; a request without tools is a summary call.</summary>
    private sealed class Script
    {
        public int AgentCalls;
        public int SummaryCalls;

        public EmulatorReply Reply(EmulatorRequest request)
        {
            if (!request.Json.TryGetProperty("tools", out _))
            {
                SummaryCalls++;
                return EmulatorReply.FromText($"Summary {SummaryCalls}: files were read one by one; each said the parser is fine. Keep reading in order.");
            }

            var step = ++AgentCalls;
            return step > ToolSteps
                ? EmulatorReply.FromText(Final, "All files are read.")
                : EmulatorReply.FromToolCalls(Reasoning, new EmulatorToolCall("read_file", $$"""{"path":"src/File{{step}}.cs"}"""));
        }
    }

    private static AIFunction ReadFile(Action? onCall = null) => AIFunctionFactory.Create(
        (string path) =>
        {
            onCall?.Invoke();
            return $"// {path}\n" + string.Concat(Enumerable.Repeat("The parser reads each chunk once and allocates nothing per token. ", 25));
        },
        "read_file",
        "Reads a source file.");

    private static KimiAgentOptions Options(bool compaction) => new()
    {
        MaxSteps = null,
        UseStreaming = false,
        ContextWindow = Window,
        CallOptions = new ChatCompletionOptions { MaxOutputTokens = 512 },
        Compaction = new KimiCompactionOptions { Enabled = compaction, Summarize = true },
    };

    private static KimiMessage[] Task() =>
        [KimiMessage.System("You are a coding agent. Read every file with read_file, one per step."), KimiMessage.User("Read src/File1.cs to src/File4000.cs and report.")];

    [Fact(Timeout = 120_000)]
    public async Task A_4000_step_run_ten_times_the_window_finishes_inside_it_with_most_input_served_from_the_prefix_cache()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { ContextWindow = Window, MaxRecordedRequests = 8 });
        var script = new Script();
        emulator.Responder = script.Reply;
        using var client = AgentHarness.InMemoryClient(emulator);
        var tools = 0;
        var agent = new KimiAgent(client, [ReadFile(() => tools++)], Options(compaction: true));
        var compactions = new List<KimiAgentHistoryCompacted>();
        var prompts = new List<int>();
        KimiAgentRunResult? result = null;
        var clock = Stopwatch.StartNew();

        await foreach (var item in agent.RunStreamingAsync(Task(), TestContext.Current.CancellationToken))
        {
            switch (item)
            {
                case KimiAgentHistoryCompacted compacted:
                    compactions.Add(compacted);
                    break;
                case KimiAgentModelCallCompleted call:
                    prompts.Add(call.Completion.Usage!.InputTokens);
                    break;
                case KimiAgentRunCompleted end:
                    result = end.Result;
                    break;
            }
        }

        Assert.NotNull(result);
        Assert.True(result.StopReason == KimiAgentStopReason.Completed, $"{result} {result.Exception}");
        Assert.Equal(Final, result.Text);
        Assert.Equal(ToolSteps, tools);
        Assert.Equal(ToolSteps + 1, script.AgentCalls);

        // Every request was accepted (a rejected one would have ended the run) and none came near the window.
        Assert.Equal(script.AgentCalls + script.SummaryCalls, result.Steps);
        Assert.All(prompts, prompt => Assert.InRange(prompt + 512, 1, Window));

        // Raw, the history would be many windows: each step adds the same tokens (exact, from the first two prompts).
        var perStep = prompts[1] - prompts[0];
        var raw = prompts[0] + ((long)perStep * ToolSteps);
        Assert.True(raw >= 10L * Window, $"raw history {raw:N0} tokens");

        // Compaction ran in blocks, kept the head verbatim, and rarely needed a summary.
        Assert.NotEmpty(compactions);
        Assert.All(compactions, c => Assert.True(c.FirstChangedMessage >= 2 && c.TokensAfter < c.TokensBefore));
        Assert.InRange(compactions.Count, 1, ToolSteps / 4);
        var cachedShare = (double)result.Usage.CachedInputTokens!.Value / result.Usage.InputTokens;
        output.WriteLine($"{result}; {compactions.Count} compactions ({script.SummaryCalls} summaries); raw history {raw:N0} tokens = {raw / (double)Window:F0}x the window; " +
                         $"cached share {cachedShare:P1}; live history {result.Messages.Count} messages; {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(cachedShare >= 0.80, $"cached share {cachedShare:P1}");

        // The live history is bounded, starts with the task verbatim, and keeps Moonshot's reasoning rules.
        Assert.InRange(result.Messages.Count, 4, 200);
        Assert.Equal(Task()[1].Text, result.Messages[1].Text);
        var last = emulator.Requests[^1].Json.GetProperty("messages");
        foreach (var message in last.EnumerateArray().Where(m => m.TryGetProperty("tool_calls", out _)))
        {
            Assert.True(AgentHarness.StringOrNull(message, "reasoning_content") is " " or { Length: > 1 });
        }

        Assert.Equal(Reasoning, AgentHarness.StringOrNull(last.EnumerateArray().Last(m => m.TryGetProperty("tool_calls", out _)), "reasoning_content"));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_same_run_with_compaction_off_ends_with_ContextLength_and_the_history_intact()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { ContextWindow = Window });
        var script = new Script();
        emulator.Responder = script.Reply;
        using var client = AgentHarness.InMemoryClient(emulator);
        var agent = new KimiAgent(client, [ReadFile()], Options(compaction: false));

        var result = await agent.RunAsync(Task(), TestContext.Current.CancellationToken);

        Assert.Equal(KimiAgentStopReason.ContextLength, result.StopReason);
        Assert.IsType<KimiContextLengthExceededException>(result.Exception);
        Assert.Equal(0, result.Compactions);
        Assert.Equal(0, script.SummaryCalls);
        var steps = script.AgentCalls;
        Assert.InRange(steps, 10, 40);
        Assert.Equal(2 + (2 * steps), result.Messages.Count);
        Assert.All(result.Messages.Where(m => m.Role == MessageRole.Assistant), m => Assert.Equal(Reasoning, m.Reasoning));
        Assert.All(result.Messages.Where(m => m.Role == MessageRole.Tool), m => Assert.DoesNotContain("elided", m.Text, StringComparison.Ordinal));
        Assert.Contains("exceeded model token limit", result.Exception!.Message, StringComparison.Ordinal);
    }
}
