// A child process for the crash tests: runs (or resumes) one KimiAgent run against the emulator the test serves on
// loopback, checkpointing to SQLite. It prints what it is doing, one line at a time, so the test knows when to kill it:
//   TOOL <n>     the write_note tool for note n started (with --hang-tool n it then waits forever, before its effect)
//   STREAM <s>   the first streamed update of model call s arrived (with --kill-stream s it then waits forever)
//   RESULT <stop reason>|<text>|<input>|<cached>|<output>|<reasoning>|<total>|<cost>|<steps>
// Exit codes: 0 completed, 3 the run is held by another process, 4 the checkpoint is damaged, 1 anything else.
using System.ComponentModel;
using System.Globalization;
using Kimi.Client;
using Kimi.Client.Agents;
using Kimi.Client.Agents.Sqlite;
using Microsoft.Extensions.AI;

var arguments = args.Select((value, i) => (value, i)).Where(p => p.value.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.value[2..], p => p.i + 1 < args.Length && !args[p.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[p.i + 1] : "true");
var endpoint = new Uri(arguments["endpoint"]);
var side = arguments["side"];
var hangTool = arguments.TryGetValue("hang-tool", out var h) ? int.Parse(h, CultureInfo.InvariantCulture) : -1;
var killStream = arguments.TryGetValue("kill-stream", out var k) ? int.Parse(k, CultureInfo.InvariantCulture) : -1;
var runId = arguments["run"];
var hang = new TaskCompletionSource();

var writeNote = AIFunctionFactory.Create(
    async ([Description("The note's number.")] int n) =>
    {
        Console.WriteLine($"TOOL {n}");
        if (n == hangTool)
        {
            await hang.Task; // killed here, before the note is written
        }

        // The tool's one effect, appended once per execution: the test counts executions from this file.
        await File.AppendAllTextAsync(side, $"note {n}\n");
        return $"noted {n}";
    },
    "write_note",
    "Writes a numbered note.");

using var client = new KimiClient(new KimiClientOptions { Provider = KimiProvider.Moonshot, Endpoint = endpoint, ApiKey = "crash-test-key" });
var options = new KimiAgentOptions
{
    CheckpointStore = new SqliteKimiAgentCheckpointStore(arguments["db"]),
    MaxSteps = 20,
    // write_note is not idempotent: the caller decides from the side file whether an interrupted note was written.
    InterruptedToolCallHandler = (call, _) =>
    {
        var n = call.Arguments.Split(':')[1].Trim(' ', '}');
        var written = File.Exists(side) && File.ReadAllLines(side).Contains($"note {n}");
        Console.WriteLine($"INTERRUPTED {n} written={written}");
        return ValueTask.FromResult(written ? $"noted {n}" : null);
    },
};
var agent = new KimiAgent(client, [writeNote], options);

try
{
    var events = arguments.ContainsKey("resume")
        ? agent.ResumeStreamingAsync(runId)
        : agent.RunStreamingAsync(runId, [KimiMessage.System("Write the notes the user asks for, one per step."), KimiMessage.User("Write notes 1 to 6.")]);
    var streamed = -1;
    await foreach (var item in events)
    {
        switch (item)
        {
            case KimiAgentModelUpdate update when update.Step != streamed:
                streamed = update.Step;
                Console.WriteLine($"STREAM {update.Step}");
                if (update.Step == killStream)
                {
                    await hang.Task; // killed here, mid-stream
                }

                break;
            case KimiAgentRunCompleted { Result: var result }:
                var u = result.Usage;
                Console.WriteLine(FormattableString.Invariant(
                    $"RESULT {result.StopReason}|{result.Text}|{u.InputTokens}|{u.CachedInputTokens}|{u.OutputTokens}|{u.ReasoningTokens}|{u.TotalTokens}|{result.CostUsd}|{result.Steps}"));
                return result.StopReason == KimiAgentStopReason.Completed ? 0 : 1;
        }
    }

    return 1;
}
catch (KimiAgentRunInUseException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 3;
}
catch (KimiAgentCheckpointException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 4;
}
