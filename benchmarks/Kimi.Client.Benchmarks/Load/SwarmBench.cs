using System.Diagnostics;
using System.Globalization;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--swarm</c>: the swarm against the emulator on Kestrel in a child process. Part 1: 300 sub-agents, 4,000 steps as one
/// <see cref="KimiSwarm"/>, against the same 300 sub-tasks (3,998 steps) run as independent <see cref="KimiAgent"/> loops on
/// the same client: this process's CPU time per step, the two taking turns over several rounds. Part 2: memory with every
/// sub-agent parked in its last tool call, for sub-agents of 3, 6, 9 and 12 tool calls, against the live histories' size.
/// </summary>
internal static class SwarmBench
{
    private const int SubTasks = 300;
    private const int Rounds = 5;
    private const int WarmUpRounds = 2;
    private static readonly string ToolResult = new Workloads.WordSource(151).Text(1_200);
    private static readonly string[] ToolNames = ["search_code", "read_file"];

    /// <summary>The scripted model of a <c>--serve swarm…</c> child process, or <see langword="null"/> for another scenario.</summary>
    public static EmulatorSwarmScript? Script(string scenario) => scenario switch
    {
        "swarm" => new EmulatorSwarmScript(SubTasks, task => task <= 98 ? 13 : 12) { SubTaskTools = ["search_code", "read_file"] },
        _ when scenario.StartsWith("swarm-m", StringComparison.Ordinal) =>
            new EmulatorSwarmScript(SubTasks, _ => int.Parse(scenario.AsSpan(7), CultureInfo.InvariantCulture)) { SubTaskTools = ["search_code", "read_file"] },
        _ => null,
    };

    public static string UsageLine(EmulatorSwarmScript script) =>
        string.Create(CultureInfo.InvariantCulture, $"usage {script.Usage.InputTokens} {script.Usage.OutputTokens} {script.Usage.TotalTokens} {script.Usage.CachedInputTokens} {script.Usage.ReasoningTokens} {script.Requests}");

    public static async Task<int> RunAsync(TextWriter output)
    {
        var total = Stopwatch.StartNew();
        var ok = await CompareAsync(output);
        ok &= await MemoryAsync(output);
        output.WriteLine($"swarm: {total.Elapsed.TotalSeconds:F1} s in all");
        return ok ? 0 : 1;
    }

    /// <summary>Part 1: CPU per step, swarm against independent loops, alternating; sums checked against the emulator's.</summary>
    private static async Task<bool> CompareAsync(TextWriter output)
    {
        var swarmCpu = new List<double>();
        var loopsCpu = new List<double>();
        var swarmRate = new List<double>();
        var ok = true;
        for (var round = 0; round < WarmUpRounds + Rounds; round++)
        {
            // The first rounds warm up JIT tiering (and PGO) for both and are not counted.
            foreach (var kind in round % 2 == 0 ? new[] { "swarm", "loops" } : ["loops", "swarm"])
            {
                await using var server = await ServerProcess.StartAsync("swarm");
                using var client = Client(server.BaseAddress);
                var (steps, cpu, elapsed, usage) = kind == "swarm" ? await RunSwarmAsync(client, gate: null) : await RunLoopsAsync(client);
                var reported = Parse(await server.AskAsync("usage"));
                var equal = usage.InputTokens == reported[0] && usage.OutputTokens == reported[1] && usage.CachedInputTokens == reported[3] && steps == reported[5];
                ok &= equal && steps == (kind == "swarm" ? 4_000 : 3_998);
                if (round >= WarmUpRounds)
                {
                    (kind == "swarm" ? swarmCpu : loopsCpu).Add(cpu.TotalMicroseconds / steps);
                    if (kind == "swarm")
                    {
                        swarmRate.Add(steps / elapsed.TotalSeconds);
                    }
                }

                output.WriteLine($"swarm round {round} {kind,-5}: {steps:N0} steps in {elapsed.TotalSeconds:F2} s, client CPU {cpu.TotalMicroseconds / steps:N0} µs/step; usage {(equal ? "equals" : "DIFFERS FROM")} the emulator's");
            }
        }

        var (s, l) = (Median(swarmCpu), Median(loopsCpu));
        output.WriteLine();
        output.WriteLine("| Run | Steps | Client CPU / step (median of 5) | Spread | Steps / s (median) |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        output.WriteLine($"| 300 independent KimiAgent loops | 3,998 | {l:N0} µs | {loopsCpu.Min():N0}–{loopsCpu.Max():N0} µs | – |");
        output.WriteLine($"| KimiSwarm, 300 sub-agents | 4,000 | {s:N0} µs | {swarmCpu.Min():N0}–{swarmCpu.Max():N0} µs | {Median(swarmRate):N0} |");
        output.WriteLine($"swarm: CPU per step, swarm / independent loops = {s / l:F2}x (target <= 1.2x: {(s / l <= 1.2 ? "met" : "missed")})");
        InProcessStepsPerSecond = Median(swarmRate);
        return ok;
    }

    /// <summary>The in-process swarm's median steps per second from part 1 (the Orleans comparison reads it).</summary>
    public static double InProcessStepsPerSecond { get; private set; }

    /// <summary>Part 2: heap with all 300 sub-agents parked at their last tool call, against the live histories' prompt tokens.</summary>
    private static async Task<bool> MemoryAsync(TextWriter output)
    {
        var points = new List<(int ToolCalls, long Tokens, long Heap)>();
        foreach (var toolCalls in new[] { 3, 6, 9, 12 })
        {
            await using var server = await ServerProcess.StartAsync($"swarm-m{toolCalls}");
            using var client = Client(server.BaseAddress);
            var gate = new ParkGate(SubTasks, toolCalls);
            await RunSwarmAsync(client, gate);
            points.Add((toolCalls, gate.LiveTokens, gate.Heap));
        }

        output.WriteLine();
        output.WriteLine("| Tool calls per sub-agent | Live history (prompt tokens, 300 sub-agents) | Heap over idle | Heap / live sub-agent | Heap / live token |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: |");
        foreach (var (calls, tokens, heap) in points)
        {
            output.WriteLine($"| {calls} | {tokens:N0} | {heap / 1048576.0:N1} MB | {heap / 1024.0 / SubTasks:N1} KB | {heap / (double)tokens:N1} B |");
        }

        var (slope, intercept, r) = Fit([.. points.Select(p => ((double)p.Tokens, (double)p.Heap))]);
        output.WriteLine($"swarm memory: heap = {intercept / 1048576:N1} MB + {slope:N1} B x live token (least squares over 4 points, r = {r:F3})");
        return true;
    }

    private static KimiClient Client(Uri endpoint) =>
        new(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = Timeout.InfiniteTimeSpan },
            new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = EmulatorServer.ApiKey, Endpoint = endpoint });

    private static AIFunction[] Tools(ParkGate? gate) =>
    [
        .. ToolNames.Select(name => AIFunctionFactory.Create(
            async (string query) =>
            {
                if (gate is not null)
                {
                    await gate.ArriveAsync();
                }

                return query + ": " + ToolResult; // a string of its own per call, as real tool output is
            },
            name,
            $"The {name} tool.")),
    ];

    private static async Task<(int Steps, TimeSpan Cpu, TimeSpan Elapsed, TokenUsage Usage)> RunSwarmAsync(KimiClient client, ParkGate? gate)
    {
        var swarm = new KimiSwarm(client, Tools(gate), new KimiSwarmOptions { MaxSteps = 4_000 });
        GC.Collect();
        gate?.SetBaseline(GC.GetTotalMemory(forceFullCollection: true));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        KimiSwarmRunResult? result = null;
        await foreach (var item in swarm.RunStreamingAsync(
            [KimiMessage.System("You orchestrate a swarm; delegate with delegate_tasks."), KimiMessage.User($"Review the parser in {SubTasks} parts.")]))
        {
            switch (item)
            {
                case KimiAgentModelCallStarted call when call.ParentRunId is not null && gate is not null:
                    gate.Prompt(call.RunId, call.EstimatedPromptTokens);
                    break;
                case KimiSwarmRunCompleted end:
                    result = end.Result;
                    break;
            }
        }

        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (result!.SubAgents.Count(s => s.Completed) != SubTasks || result.StopReason != KimiAgentStopReason.Completed)
        {
            throw new InvalidOperationException($"The swarm did not complete: {result}");
        }

        return (result.Steps, used, clock.Elapsed, result.Usage);
    }

    /// <summary>The same 300 sub-tasks as independent agent loops (what the swarm's sub-agents are, without the orchestrator).</summary>
    private static async Task<(int Steps, TimeSpan Cpu, TimeSpan Elapsed, TokenUsage Usage)> RunLoopsAsync(KimiClient client)
    {
        var script = Script("swarm")!;
        var agent = new KimiAgent(client, Tools(null), new KimiAgentOptions());
        var instructions = new KimiSwarmOptions().SubAgentInstructions;
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(1, SubTasks).Select(i => agent.RunAsync([KimiMessage.System(instructions), KimiMessage.User(script.Instructions(i))])));
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (results.Any(r => r.StopReason != KimiAgentStopReason.Completed))
        {
            throw new InvalidOperationException("A loop did not complete.");
        }

        return (results.Sum(r => r.Steps), used, clock.Elapsed, results.Aggregate(new TokenUsage(0, 0), (sum, r) => sum + r.Usage));
    }

    private static long[] Parse(string line) => [.. line.Split(' ')[1..].Select(v => long.Parse(v, CultureInfo.InvariantCulture))];

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static (double Slope, double Intercept, double R) Fit(List<(double X, double Y)> points)
    {
        var (mx, my) = (points.Average(p => p.X), points.Average(p => p.Y));
        var sxy = points.Sum(p => (p.X - mx) * (p.Y - my));
        var sxx = points.Sum(p => (p.X - mx) * (p.X - mx));
        var syy = points.Sum(p => (p.Y - my) * (p.Y - my));
        var slope = sxx == 0 ? 0 : sxy / sxx;
        return (slope, my - (slope * mx), sxx == 0 || syy == 0 ? 0 : sxy / Math.Sqrt(sxx * syy));
    }

    /// <summary>Holds every sub-agent in its last tool call; when all 300 are there, measures the heap, then lets them finish.</summary>
    private sealed class ParkGate(int agents, int lastCall)
    {
        private readonly Dictionary<string, long> _prompts = new(StringComparer.Ordinal);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _baseline;
        private int _arrived;

        public long Heap { get; private set; }

        /// <summary>The prompt tokens of each sub-agent's latest call, summed, when all were parked.</summary>
        public long LiveTokens { get; private set; }

        public void SetBaseline(long heap) => _baseline = heap;

        public void Prompt(string runId, long tokens)
        {
            lock (_prompts)
            {
                _prompts[runId] = tokens;
            }
        }

        public Task ArriveAsync()
        {
            var call = KimiAgentToolContext.Current!.Step;
            if (call < lastCall)
            {
                return Task.CompletedTask;
            }

            if (Interlocked.Increment(ref _arrived) == agents)
            {
                // The last one to arrive: every other sub-agent is parked with its whole history.
                Heap = GC.GetTotalMemory(forceFullCollection: true) - _baseline;
                lock (_prompts)
                {
                    LiveTokens = _prompts.Values.Sum();
                }

                _release.SetResult();
            }

            return _release.Task;
        }
    }
}
