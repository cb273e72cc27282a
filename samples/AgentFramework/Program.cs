// AgentFramework: Kimi K2.6 behind Microsoft Agent Framework, thinking on: a ChatClientAgent with a tool, its session
// saved and restored between turns, then a two-agent workflow (researcher, then writer).
//   dotnet run --project samples/AgentFramework
// With no API key the model is the built-in emulator (Moonshot's dialect: a tool-call turn sent back without its
// reasoning is refused with 400, as Moonshot does); set KIMI_PROVIDER and that provider's key to call the real model.
using System.ComponentModel;
using System.Text.Json;
using Kimi.Client;
using Kimi.Client.Testing;
using Microsoft.Agents.AI;
using Microsoft.Agents.AI.Workflows;
using Microsoft.Extensions.AI;

var provider = KimiProvider.FromName(Environment.GetEnvironmentVariable("KIMI_PROVIDER") ?? "Moonshot");
await using var emulator = HasKey(provider) ? null : Scripted(provider);
var options = new KimiClientOptions { Provider = provider };
if (emulator is not null)
{
    options.Endpoint = emulator.BaseAddress;
    options.ApiKey = "emulator-key";
}

using var kimi = emulator is null ? new KimiClient(options) : new KimiClient(new HttpClient(emulator.CreateHandler()), options);
var weather = AIFunctionFactory.Create(([Description("The city.")] string city) => $"sunny, 21 °C in {city}", "get_weather", "Current weather in a city.");

// 1. An agent over kimi.AsIChatClient(): the framework adds function invocation; our client sends the reasoning back.
AIAgent agent = new ChatClientAgent(kimi.AsIChatClient(), instructions: "Answer weather questions with your tool.", name: "weather", tools: [weather]);
var session = await agent.CreateSessionAsync();
await foreach (var update in agent.RunStreamingAsync("Weather in Paris?", session))
{
    Console.Write(update.Text);
}

Console.WriteLine();

// 2. Save the session (a database, a cookie …) and restore it in a new agent: the reasoning is in it, so the next
//    tool-call turn is accepted.
var saved = (await agent.SerializeSessionAsync(session)).GetRawText();
AIAgent restoredAgent = new ChatClientAgent(kimi.AsIChatClient(), instructions: "Answer weather questions with your tool.", name: "weather", tools: [weather]);
var restored = await restoredAgent.DeserializeSessionAsync(JsonDocument.Parse(saved).RootElement);
Console.WriteLine((await restoredAgent.RunAsync("And in Lyon?", restored)).Text);

// 3. A workflow: the researcher (with the tool) hands the conversation to the writer.
var researcher = new ChatClientAgent(kimi.AsIChatClient(), instructions: "Collect the facts with your tool.", name: "researcher", tools: [weather]);
var writer = new ChatClientAgent(kimi.AsIChatClient(), instructions: "Write one friendly line from the facts.", name: "writer");
var workflow = AgentWorkflowBuilder.BuildSequential(researcher, writer);
await using var run = await InProcessExecution.RunStreamingAsync(workflow, new List<ChatMessage> { new(ChatRole.User, "A weather line for Nice?") });
await run.TrySendMessageAsync(new TurnToken(emitEvents: true));
await foreach (var evt in run.WatchStreamAsync())
{
    // Streamed agent updates are outputs too; the conversation at the end is the one that is a message list.
    if (evt is WorkflowOutputEvent output && output.As<List<ChatMessage>>() is { } conversation)
    {
        Console.WriteLine(conversation[^1].Text);
        break;
    }

    if (evt is WorkflowErrorEvent error)
    {
        Console.Error.WriteLine(error.Exception);
        return 1;
    }
}

return 0;

static bool HasKey(KimiProvider provider)
{
    var variable = provider.ApiKeyVariable ?? "KIMI_ENDPOINT"; // the profile names its key variable
    if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable)))
    {
        return true;
    }

    Console.Error.WriteLine($"No {variable} set: the model is the built-in Kimi emulator ({provider} dialect), scripted for this sample.");
    return false;
}

// The offline model, turn by turn: a tool call, then an answer quoting the tool; the same for Lyon; researcher, writer.
static KimiEmulator Scripted(KimiProvider provider)
{
    var emulator = new KimiEmulator(new() { Provider = provider });
    foreach (var city in new[] { "Paris", "Lyon", "Nice" })
    {
        emulator.Enqueue(EmulatorReply.FromToolCalls($"Call get_weather for {city}.", new EmulatorToolCall("get_weather", $$"""{"city":"{{city}}"}""")));
        emulator.Enqueue(EmulatorReply.FromText($"It is sunny and 21 °C in {city}.", "The tool answered."));
    }

    emulator.Enqueue(EmulatorReply.FromText("Nice: sunshine and 21 °C, a perfect day for the Promenade.", "One friendly line."));
    return emulator;
}
