// ToolAgent: Kimi K2.6 searches a folder of notes and does arithmetic with real tools, step by step, within budgets.
//   dotnet run --project samples/ToolAgent -- "What would 3 million input and 500,000 output tokens cost on Moonshot?"
// With no API key it runs offline: the built-in emulator plays a scripted model (written for the default question)
// that calls the real tools below. Set KIMI_PROVIDER (Moonshot, DeepInfra, Nvidia) and that provider's key variable
// to let the real model drive them.
using System.ComponentModel;
using System.Data;
using System.Globalization;
using Kimi.Client;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

var question = args.Length > 0 ? string.Join(' ', args) : "What would 3 million input tokens and 500,000 output tokens cost on Moonshot?";
var docs = Path.Combine(AppContext.BaseDirectory, "docs");

AIFunction[] tools =
[
    AIFunctionFactory.Create(
        ([Description("Words to look for, case-insensitive.")] string query) => string.Join('\n',
            from file in Directory.EnumerateFiles(docs, "*.md")
            from line in File.ReadLines(file).Select((text, i) => (text, number: i + 1))
            where line.text.Contains(query, StringComparison.OrdinalIgnoreCase)
            select $"{Path.GetFileName(file)}:{line.number}: {line.text}") is { Length: > 0 } hits ? hits : "No matches.",
        "search_docs",
        "Searches the local docs folder; returns matching lines as file:line: text."),
    AIFunctionFactory.Create(
        ([Description("An arithmetic expression, such as 3 * 0.95 + 0.5 * 4.")] string expression) =>
            Convert.ToDouble(new DataTable().Compute(expression, null), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        "calculate",
        "Evaluates an arithmetic expression (+ - * / and parentheses)."),
];

var provider = KimiProvider.FromName(Environment.GetEnvironmentVariable("KIMI_PROVIDER") ?? "Moonshot");
var options = new KimiClientOptions { Provider = provider };
if (Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { Length: > 0 } endpoint)
{
    options.Endpoint = new Uri(endpoint); // a self-hosted server, or a gateway in front of the host
}

await using var emulator = UseEmulator(options) ? ScriptedEmulator(provider) : null;
using var client = emulator is null ? new KimiClient(options) : CreateEmulatedClient(emulator, options);
var agent = new KimiAgent(client, tools, new KimiAgentOptions
{
    MaxSteps = 8,
    MaxTotalTokens = 200_000,
    MaxCostUsd = KimiPricing.ForProvider(provider) is null ? null : 0.10m, // NVIDIA and self-hosted publish no price
});

KimiMessage[] conversation =
[
    KimiMessage.System("Answer from the docs folder (search_docs) and use calculate for arithmetic. Be brief."),
    KimiMessage.User(question),
];

await foreach (var step in agent.RunStreamingAsync(conversation))
{
    switch (step)
    {
        case KimiAgentModelCallCompleted call:
            Console.WriteLine($"step {call.Step}: {call.Completion.ToolCalls.Count} tool call(s); run so far: {call.Budget.Usage}{Dollars(call.Budget.CostUsd)}");
            break;
        case KimiAgentToolStarted tool:
            Console.WriteLine($"  -> {tool.ToolCall.Name}({tool.ToolCall.Arguments})");
            break;
        case KimiAgentToolCompleted tool:
            Console.WriteLine($"  <- {tool.Result.ReplaceLineEndings(" | ")}");
            break;
        case KimiAgentRunCompleted { Result: var result }:
            Console.WriteLine();
            Console.WriteLine(result.StopReason == KimiAgentStopReason.Completed ? result.Text : $"Stopped: {result.StopReason} {result.Exception?.Message}");
            Console.Error.WriteLine($"[{result}]");
            return result.StopReason == KimiAgentStopReason.Completed ? 0 : 1;
    }
}

return 1;

static string Dollars(decimal? cost) => cost is { } c ? $"; ${c:0.######}" : string.Empty;

static bool UseEmulator(KimiClientOptions options)
{
    if (IsLive(options.Provider))
    {
        return false;
    }

    Console.Error.WriteLine($"No {options.Provider.ApiKeyVariable ?? "KIMI_ENDPOINT"} set: running offline against the built-in Kimi emulator ({options.Provider} dialect) with a scripted model.");
    return true;
}

// Live when the host's key is in its environment variable (the profile names it), or an endpoint was given.
static bool IsLive(KimiProvider provider) =>
    Environment.GetEnvironmentVariable("KIMI_ENDPOINT") is { Length: > 0 } ||
    provider.ApiKeyVariable is { } variable && !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));

// The offline model: search the docs, then calculate, then answer with whatever the calculator returned.
static KimiEmulator ScriptedEmulator(KimiProvider provider)
{
    var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider });
    emulator.Enqueue(EmulatorReply.FromToolCalls("I need Moonshot's prices: search the docs.", new EmulatorToolCall("search_docs", """{"query":"per million"}""")));
    emulator.Enqueue(EmulatorReply.FromToolCalls("Input $0.95/M, output $4.00/M: 3 x 0.95 + 0.5 x 4.00.", new EmulatorToolCall("calculate", """{"expression":"3 * 0.95 + 0.5 * 4.00"}""")));
    emulator.Responder = request => EmulatorReply.FromText(
        $"About ${LastToolResult(request)}: 3 M input tokens at $0.95/M plus 0.5 M output tokens at $4.00/M.",
        "The calculator answered; state the total.");
    return emulator;
}

static string LastToolResult(EmulatorRequest request) =>
    request.Json.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").GetString()!;

static KimiClient CreateEmulatedClient(KimiEmulator emulator, KimiClientOptions options)
{
    options.Endpoint = emulator.BaseAddress;
    options.ApiKey = "emulator-key";
    return new KimiClient(new HttpClient(emulator.CreateHandler()), options);
}
