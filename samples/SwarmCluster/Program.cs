// SwarmCluster: the agent swarm on a two-silo Orleans cluster on localhost (both silos in this process). The orchestrator
// and each sub-agent are grains, spread over the silos; their checkpoints are grain state; one budget grain keeps the
// ledger for both silos. Progress is watched live from the swarm's event log (KimiClusterSwarm.WatchAsync).
//   dotnet run --project samples/SwarmCluster                   40 sub-agents
//   dotnet run --project samples/SwarmCluster -- --subtasks 100
// With no MOONSHOT_API_KEY it runs offline: the emulator on loopback plays the orchestrator and the sub-agents, and the
// sample exits non-zero unless the swarm's sums equal the emulator's.
using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Kimi.Client;
using Kimi.Client.Agents;
using Kimi.Client.Orleans;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var subTasks = Array.IndexOf(args, "--subtasks") is var i and >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 40;
var live = !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("MOONSHOT_API_KEY"));
EmulatorSwarmScript? script = null;
await using var emulator = live ? null : new KimiEmulator(new KimiEmulatorOptions { MaxRecordedRequests = 0 });
Uri? endpoint = null;
if (emulator is not null)
{
    Console.Error.WriteLine($"No MOONSHOT_API_KEY set: running offline; the emulator plays an orchestrator and {subTasks} sub-agents.");
    script = new EmulatorSwarmScript(subTasks, task => 3 + (task % 3)) { SubTaskTools = ["search_code", "read_file"] };
    emulator.Responder = script.Reply;
    endpoint = await emulator.StartAsync();
}

// Which silo ran each tool call, to show the sub-agents spread over the cluster.
var toolsBySilo = new ConcurrentDictionary<string, int>();
var silo1 = await StartSiloAsync("silo-1", siloPort: 11311, gatewayPort: 30311);
var silo2 = await StartSiloAsync("silo-2", siloPort: 11312, gatewayPort: 30312);

var swarm = silo1.Services.GetRequiredService<KimiClusterSwarm>();
var runId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
var clock = Stopwatch.StartNew();

// Live progress from the swarm's event log (kept by the orchestrator grain; each sub-agent's silo forwards its events in batches).
var watched = WatchAsync();
var run = swarm.RunAsync(runId, [
    KimiMessage.System("You orchestrate a swarm. Split the work into independent sub-tasks and hand them out with delegate_tasks; then report."),
    KimiMessage.User($"Review the parser in {subTasks} parts, one sub-task per part, and tell me which parts need work."),
]);
var result = await run;
var (subAgentsEnded, end) = await watched;
Console.WriteLine();
Console.WriteLine(result.Text);
Console.WriteLine($"{result.StopReason}: {result.SubAgents.Count} sub-agents ({result.SubAgents.Count(s => s.Completed)} completed), {result.Steps} steps, {result.Usage.TotalTokens:N0} tokens{(result.CostUsd is { } cost ? $", ${cost:0.####}" : "")} in {clock.Elapsed.TotalSeconds:F1} s");
Console.WriteLine($"Tool calls by silo: {string.Join(", ", toolsBySilo.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");

await silo2.StopAsync();
await silo1.StopAsync();
silo2.Dispose();
silo1.Dispose();

if (script is null)
{
    return result.StopReason == KimiAgentStopReason.Completed ? 0 : 1;
}

// Offline, the sums must be the emulator's to the token, and every sub-agent must have completed.
var expected = script.Usage;
var exact = result.Steps == script.Requests && result.Usage.InputTokens == expected.InputTokens && result.Usage.OutputTokens == expected.OutputTokens
    && result.SubAgents.Count == subTasks && result.SubAgents.All(s => s.Completed) && toolsBySilo.Count == 2
    && subAgentsEnded == subTasks && end?.Usage?.TotalTokens == result.Usage.TotalTokens; // the watcher saw every sub-agent end, and the same sums
Console.WriteLine(exact ? "Sums equal the emulator's; both silos ran sub-agents." : $"MISMATCH: emulator answered {script.Requests} calls, {expected}.");
return result.StopReason == KimiAgentStopReason.Completed && exact ? 0 : 1;

// Prints a line per sub-agent that ends and a summary each second; returns how many ended and the swarm's end.
async Task<(int SubAgentsEnded, KimiClusterSwarmEvent? End)> WatchAsync()
{
    var usage = new Dictionary<string, long>(StringComparer.Ordinal); // tokens per run (the orchestrator's and each sub-agent's)
    int started = 0, ended = 0, steps = 0;
    var lastSummary = TimeSpan.Zero;
    KimiClusterSwarmEvent? end = null;
    await foreach (var e in swarm.WatchAsync(runId))
    {
        if (e.Usage is { } u)
        {
            usage[e.RunId] = u.TotalTokens;
        }

        switch (e.Kind)
        {
            case KimiClusterSwarmEventKind.SubAgentStarted:
                started++;
                break;
            case KimiClusterSwarmEventKind.ModelCallCompleted:
                steps++;
                break;
            case KimiClusterSwarmEventKind.SubAgentCompleted:
                ended++;
                Console.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s  {e.Name} {(e.Text == "Completed" ? "done" : e.Text)}: {e.Step} steps, {e.Usage?.TotalTokens:N0} tokens ({ended}/{started} sub-agents ended)");
                break;
            case KimiClusterSwarmEventKind.Gap:
                Console.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s  (events missing: {e.Text})");
                break;
            case KimiClusterSwarmEventKind.SwarmCompleted:
                end = e;
                break;
        }

        if (clock.Elapsed - lastSummary >= TimeSpan.FromSeconds(1))
        {
            lastSummary = clock.Elapsed;
            Console.WriteLine($"{clock.Elapsed.TotalSeconds,5:F1} s  {steps,4} steps  {usage.Values.Sum(),8:N0} tokens  {started - ended} sub-agents running  tools by silo: {string.Join(", ", toolsBySilo.OrderBy(p => p.Key).Select(p => $"{p.Key} {p.Value}"))}");
        }
    }

    return (ended, end);
}

async Task<IHost> StartSiloAsync(string name, int siloPort, int gatewayPort)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
    builder.UseOrleans(silo =>
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, 11311));
        silo.Configure<Orleans.Configuration.SiloOptions>(o => o.SiloName = name);

        // Memory storage keeps this sample self-contained; use Redis, a database or Azure so a run outlives a silo (docs/orleans.md).
        silo.AddMemoryGrainStorage(KimiSwarmSiloBuilderExtensions.StorageName);
        silo.AddKimiSwarm(options =>
        {
            options.Client = _ => live
                ? new KimiClient(new KimiClientOptions { Provider = KimiProvider.Moonshot })
                : new KimiClient(new KimiClientOptions { Provider = KimiProvider.Moonshot, Endpoint = endpoint, ApiKey = "emulator-key" });
            options.Tools = _ => Tools(name);
            options.Swarm.MaxSteps = 4_000;
        });
    });
    var host = builder.Build();
    await host.StartAsync();
    return host;
}

AIFunction[] Tools(string silo) =>
[
    AIFunctionFactory.Create(([Description("What to look for.")] string query) => Count(silo, $"3 matches for '{query}' in src/Parser/*.cs; none look wrong."), "search_code", "Searches the code base."),
    AIFunctionFactory.Create(([Description("A path, or a query naming the file.")] string query) => Count(silo, $"// {query}\nThe parser reads each chunk once."), "read_file", "Reads a file."),
];

string Count(string silo, string text)
{
    toolsBySilo.AddOrUpdate(silo, 1, (_, c) => c + 1);
    return text;
}
