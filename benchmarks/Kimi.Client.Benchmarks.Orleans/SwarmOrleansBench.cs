using System.Diagnostics;
using System.Globalization;
using Kimi.Client.Agents;
using Kimi.Client.Orleans;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Kimi.Client.Benchmarks.Orleans;

/// <summary>
/// The same swarm run once as an in-process <see cref="KimiSwarm"/> and once on Orleans' in-process test cluster of 3 silos
/// (orchestrator and sub-agents as grains, checkpoints and the budget's ledger written to memory grain storage at every step),
/// each against a fresh emulator on loopback Kestrel in this process: steps per second and CPU per step (this process: the
/// client, the silos and the emulator), with the Orleans / in-process ratios. Both runs' sums are checked against the emulator's.
/// </summary>
internal static class SwarmOrleansBench
{
    private const int Silos = 3;
    private static readonly string ToolResult = string.Concat(Enumerable.Repeat("The parser reads each chunk once; no allocation on the hot path. ", 20));
    private static readonly string[] ToolNames = ["search_code", "read_file"];

    public static async Task<int> RunAsync(TextWriter output, int subTasks)
    {
        // 98 of every 300 sub-tasks make 13 tool calls and the rest 12: with the orchestrator's two calls, 300 sub-tasks are 4,000 steps.
        static int ToolCalls(int task) => task % 300 is > 0 and <= 98 ? 13 : 12;
        var inProcess = await MeasureAsync(subTasks, ToolCalls, RunInProcessAsync);
        output.WriteLine(inProcess.Line("in-process swarm"));
        var orleans = await MeasureAsync(subTasks, ToolCalls, RunOnOrleansAsync);
        output.WriteLine(orleans.Line($"Orleans swarm ({Silos} silos)"));

        output.WriteLine();
        output.WriteLine("| Run | Steps | Steps / s | CPU / step (client, silos and emulator) |");
        output.WriteLine("| --- | ---: | ---: | ---: |");
        output.WriteLine($"| KimiSwarm in one process | {inProcess.Steps:N0} | {inProcess.Rate:N0} | {inProcess.CpuPerStep:N0} µs |");
        output.WriteLine($"| Orleans test cluster, {Silos} silos | {orleans.Steps:N0} | {orleans.Rate:N0} | {orleans.CpuPerStep:N0} µs |");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"swarm-orleans: steps/s Orleans / in-process = {orleans.Rate / inProcess.Rate:F2}x; CPU per step Orleans / in-process = {orleans.CpuPerStep / inProcess.CpuPerStep:F2}x"));
        return inProcess.Exact && orleans.Exact ? 0 : 1;
    }

    private static async Task<Measurement> MeasureAsync(int subTasks, Func<int, int> toolCalls, Func<Uri, int, Task<Func<string, Task<(int Steps, TokenUsage Usage, bool Completed)>>>> prepare)
    {
        var script = new EmulatorSwarmScript(subTasks, toolCalls) { SubTaskTools = ToolNames };
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { MaxRecordedRequests = 0 }) { Responder = script.Reply };
        var endpoint = await emulator.StartAsync();
        var run = await prepare(endpoint, subTasks);
        await run("warm-up"); // the same swarm once first, so both are measured with their code loaded and jitted
        var requestsBefore = script.Requests;
        var usageBefore = script.Usage;
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var (steps, usage, completed) = await run("measured");
        var elapsed = clock.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var expected = script.Usage;
        var exact = completed && steps == script.Requests - requestsBefore
            && usage.InputTokens == expected.InputTokens - usageBefore.InputTokens && usage.OutputTokens == expected.OutputTokens - usageBefore.OutputTokens;
        return new Measurement(steps, elapsed, used, exact);
    }

    private static Task<Func<string, Task<(int, TokenUsage, bool)>>> RunInProcessAsync(Uri endpoint, int subTasks)
    {
        var swarm = new KimiSwarm(Client(endpoint), Tools(), new KimiSwarmOptions { MaxSteps = 4_000 });
        return Task.FromResult<Func<string, Task<(int, TokenUsage, bool)>>>(async runId =>
        {
            var result = await swarm.RunAsync(runId, Conversation(subTasks));
            return (result.Steps, result.Usage, result.StopReason == KimiAgentStopReason.Completed && result.SubAgents.All(s => s.Completed));
        });
    }

    private static async Task<Func<string, Task<(int, TokenUsage, bool)>>> RunOnOrleansAsync(Uri endpoint, int subTasks)
    {
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.Options.ConfigureFileLogging = false; // the test cluster would write a log file per silo into the working folder
        builder.ConfigureSiloHost((_, host) => host.Logging.ClearProviders()); // the silos' start-up notes would bury the table
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(KimiSwarmSiloBuilderExtensions.StorageName);
            silo.AddKimiSwarm(options =>
            {
                options.Client = _ => Client(endpoint);
                options.Tools = _ => Tools();
                options.Swarm.MaxSteps = 4_000;
            });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        var swarm = new KimiClusterSwarm(cluster.Client);
        return async runId =>
        {
            var result = await swarm.RunAsync(runId, Conversation(subTasks));
            if (runId != "warm-up")
            {
                await cluster.StopAllSilosAsync();
                await cluster.DisposeAsync();
            }

            return (result.Steps, result.Usage, result.StopReason == KimiAgentStopReason.Completed && result.SubAgents.All(s => s.Completed));
        };
    }

    private static KimiMessage[] Conversation(int subTasks) =>
        [KimiMessage.System("You orchestrate a swarm; delegate with delegate_tasks."), KimiMessage.User($"Review the parser in {subTasks} parts.")];

    private static KimiClient Client(Uri endpoint) =>
        new(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = Timeout.InfiniteTimeSpan },
            new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = "emulator-key", Endpoint = endpoint });

    private static AIFunction[] Tools() =>
        [.. ToolNames.Select(name => AIFunctionFactory.Create((string query) => query + ": " + ToolResult, name, $"The {name} tool."))];

    private sealed record Measurement(int Steps, TimeSpan Elapsed, TimeSpan Cpu, bool Exact)
    {
        public double Rate => Steps / Elapsed.TotalSeconds;

        public double CpuPerStep => Cpu.TotalMicroseconds / Steps;

        public string Line(string name) =>
            $"{name}: {Steps:N0} steps in {Elapsed.TotalSeconds:F2} s, CPU {CpuPerStep:N0} µs/step; sums {(Exact ? "equal" : "DIFFER FROM")} the emulator's";
    }
}
