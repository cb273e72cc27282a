// LongRun: an agent reads a folder file by file for hundreds of steps. Its history is compacted before it outgrows the
// context window, and every step is checkpointed to SQLite: the first process stops halfway (as if killed), a second
// agent resumes the run from the file and finishes it.
//   dotnet run --project samples/LongRun                 offline: the emulator plays a model that reads 400 files
//   MOONSHOT_API_KEY=... dotnet run --project samples/LongRun -- src     the real model reads the folder 'src'
using System.ComponentModel;
using System.Globalization;
using Kimi.Client;
using Kimi.Client.Agents;
using Kimi.Client.Agents.Sqlite;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

var offline = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("MOONSHOT_API_KEY"));
var folder = args.Length > 0 ? args[0] : ".";
const int OfflineFiles = 400;

// Offline, a small 32K window makes compaction show up within a few hundred steps; Moonshot's own is 262,144 tokens.
await using var emulator = offline ? new KimiEmulator(new KimiEmulatorOptions { ContextWindow = 32_768 }) : null;
if (emulator is not null)
{
    Console.Error.WriteLine("No MOONSHOT_API_KEY set: running offline against the built-in Kimi emulator with a scripted model.");
    emulator.Responder = ScriptedModel;
}

using var client = emulator is null
    ? new KimiClient(new KimiClientOptions { Provider = KimiProvider.Moonshot })
    : new KimiClient(new HttpClient(emulator.CreateHandler()), new KimiClientOptions { Provider = KimiProvider.Moonshot, Endpoint = emulator.BaseAddress, ApiKey = "emulator-key" });

AIFunction[] tools =
[
    AIFunctionFactory.Create(() => offline
            ? string.Join('\n', Enumerable.Range(1, OfflineFiles).Select(i => $"file{i}.txt"))
            : string.Join('\n', Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Take(2_000)),
        "list_files", "Lists the files to read."),
    AIFunctionFactory.Create(([Description("A path from list_files.")] string path) => offline
            ? $"{path}: " + string.Concat(Enumerable.Repeat("Line about caching, budgets and checkpoints. ", 60))
            : File.ReadAllText(Path.Combine(folder, Path.GetRelativePath(folder, path))),
        "read_file", "Reads one file."),
];

var database = Path.Combine(Path.GetTempPath(), "kimi-longrun-sample.db");
File.Delete(database);
KimiAgent NewAgent() => new(client, tools, new KimiAgentOptions
{
    MaxSteps = 1_000,
    ContextWindow = offline ? 32_768 : null, // null: the provider's window
    CallOptions = new ChatCompletionOptions { MaxOutputTokens = 2_048 },
    Compaction = new KimiCompactionOptions { Summarize = true },
    CheckpointStore = new SqliteKimiAgentCheckpointStore(database),
    IdempotentTools = { "list_files", "read_file" }, // reading twice is harmless: re-run them if a crash interrupted them
});

var runId = "read-" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
KimiMessage[] task =
[
    KimiMessage.System("You read files with the tools, one per step, and keep a running list of what each is about."),
    KimiMessage.User("List the files, read every one of them, then summarize the folder in five lines."),
];

// Process 1 (here: the first agent) stops after 150 model calls, without any clean-up.
await foreach (var item in NewAgent().RunStreamingAsync(runId, task))
{
    Report(item);
    if (item is KimiAgentModelCallStarted { Step: 150 })
    {
        Console.WriteLine($"-- stopping at step 150; the run is in {database}");
        break;
    }
}

// Process 2 (here: a new agent and store on the same file) resumes the run and finishes it.
KimiAgentRunResult? result = null;
await foreach (var item in NewAgent().ResumeStreamingAsync(runId))
{
    Report(item);
    result = (item as KimiAgentRunCompleted)?.Result ?? result;
}

Console.WriteLine();
Console.WriteLine(result!.Text);
var usage = result.Usage;
Console.WriteLine($"{result.StopReason} after {result.Steps} model calls and {result.Compactions} compactions; live history {result.Messages.Count} messages.");
Console.WriteLine($"Input {usage.InputTokens:N0} tokens, {(double)(usage.CachedInputTokens ?? 0) / usage.InputTokens:P1} from the prefix cache; output {usage.OutputTokens:N0}; cost ${result.CostUsd:0.0000} at Moonshot prices.");
return result.StopReason == KimiAgentStopReason.Completed ? 0 : 1;

static void Report(KimiAgentEvent item)
{
    switch (item)
    {
        case KimiAgentHistoryCompacted c:
            Console.WriteLine($"step {c.Step}: compacted {c.TokensBefore:N0} -> {c.TokensAfter:N0} tokens ({c.ReasoningCleared} reasoning cleared, " +
                              $"{c.ToolResultsShortened} results shortened, {c.MessagesSummarized} messages summarized); messages before {c.FirstChangedMessage} unchanged");
            break;
        case KimiAgentRunResumed r:
            Console.WriteLine($"-- resumed at step {r.Step} with {r.Messages} messages, {r.Budget}; interrupted tool calls: {r.InterruptedToolCalls.Count}");
            break;
        case KimiAgentModelCallCompleted { Step: var step } call when step % 50 == 0:
            Console.WriteLine($"step {step}: {call.Budget}");
            break;
    }
}

// The offline model: list the files, read each one, then summarize; a request without tools is a compaction summary.
static EmulatorReply ScriptedModel(EmulatorRequest request)
{
    if (!request.Json.TryGetProperty("tools", out _))
    {
        return EmulatorReply.FromText("Files read so far all describe caching, budgets and checkpoints. Keep reading in order.");
    }

    var last = request.Json.GetProperty("messages").EnumerateArray().Last();
    var content = last.TryGetProperty("content", out var text) && text.ValueKind == System.Text.Json.JsonValueKind.String ? text.GetString()! : string.Empty;
    if (last.GetProperty("role").GetString() != "tool")
    {
        return EmulatorReply.FromToolCalls("First, see which files there are.", new EmulatorToolCall("list_files", "{}"));
    }

    // The last result names the file just read (or is the listing): read the next one.
    var next = content.StartsWith("file", StringComparison.Ordinal) && content.Contains(':', StringComparison.Ordinal)
        ? int.Parse(content.AsSpan(4, content.IndexOf('.', StringComparison.Ordinal) - 4), CultureInfo.InvariantCulture) + 1
        : 1;
    return next > OfflineFiles
        ? EmulatorReply.FromText($"All {OfflineFiles} files are about caching, budgets and checkpoints.\nThey repeat one theme.\nNothing is missing.\nNo file failed to read.\nDone.", "Summarize.")
        : EmulatorReply.FromToolCalls($"Read file{next}.txt next; note what it says about the design.", new EmulatorToolCall("read_file", $$"""{"path":"file{{next}}.txt"}"""));
}
