using System.Diagnostics;
using System.Globalization;
using Kimi.Client.Agents;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--agents</c>: 300 <see cref="KimiAgent"/> loops at once against the emulator on Kestrel (a child process), 4,000 steps
/// in all (100 agents take 14 steps, 200 take 13). The tools hold the agents in lockstep waves: a wave ends when every
/// live agent has finished its model call and reached its tool, so wave k is exactly every agent's step k, and this
/// process's CPU time and allocations between two wave ends belong to those steps alone. Each request re-sends the
/// history, so request bytes grow wave by wave; the target is a flat cost per request byte.
/// </summary>
internal static class AgentScale
{
    private static readonly string ToolResult = new Workloads.WordSource(131).Text(1200);

    public static async Task<int> RunAsync(TextWriter output)
    {
        var total = Stopwatch.StartNew();
        await using var server = await ServerProcess.StartAsync("agents");
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan }) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new KimiClient(http, new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = EmulatorServer.ApiKey, Endpoint = server.BaseAddress });
        var gate = new WaveGate();
        AIFunction[] tools = [.. AgentScript.Tools.Select(name => AIFunctionFactory.Create(
            async (string path, string query) =>
            {
                await gate.ArriveAsync();
                return ToolResult;
            },
            name,
            $"The {name} tool."))];
        var agent = new KimiAgent(client, tools, new KimiAgentOptions { MaxSteps = 20 });
        var pricing = KimiPricing.ForProvider(KimiProvider.Moonshot)!;

        // Warm-up (untimed, agents numbered 1000+ so the server leaves them out of its sums): JIT and a few connections.
        gate.Reset(participants: 8, onWave: null);
        await Task.WhenAll(Enumerable.Range(1000, 8).Select(i => RunAgentAsync(agent, i, gate)));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var workingSetBefore = Meter.WorkingSet();
        var waves = new List<Wave>();
        var mark = Meter.Now();
        gate.Reset(AgentScript.Agents, onWave: live =>
        {
            // Runs on the last agent to arrive, every other live agent parked in its tool: nothing else is running.
            var now = Meter.Now();
            var (cpu, allocated) = now - mark;
            var heap = GC.GetTotalMemory(forceFullCollection: true);
            waves.Add(new Wave(waves.Count + 1, live, cpu, allocated, heap - heapBefore, Meter.WorkingSet() - workingSetBefore));
            mark = Meter.Now(); // after the GC: its cost is not the next wave's
        });

        var run = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, AgentScript.Agents).Select(i => RunAgentAsync(agent, i, gate)));
        run.Stop();
        var (lastCpu, lastAllocated) = Meter.Now() - mark;
        waves.Add(new Wave(waves.Count + 1, gate.LastWaveSize, lastCpu, lastAllocated, 0, 0));

        // Checks: every agent completed with its own answer and step count; usage and cost sum exactly to what the server reported.
        var steps = 0;
        TokenUsage usage = new(0, 0);
        var cost = 0m;
        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i];
            if (result.StopReason != KimiAgentStopReason.Completed || result.Text != AgentScript.FinalText(i) || result.Steps != AgentScript.StepsFor(i))
            {
                throw new InvalidOperationException($"agent {i}: {result} '{result.Text}' {result.Exception}");
            }

            steps += result.Steps;
            usage += result.Usage;
            cost += result.CostUsd!.Value;
        }

        var reported = (await server.AskAsync("usage")).Split(' ')[1..].Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var serverUsage = new TokenUsage(checked((int)reported[0]), checked((int)reported[1]), checked((int)reported[2]), checked((int)reported[3]), checked((int)reported[4]));
        var usageMatches = usage.InputTokens == serverUsage.InputTokens && usage.OutputTokens == serverUsage.OutputTokens && usage.TotalTokens == serverUsage.TotalTokens
            && usage.CachedInputTokens == serverUsage.CachedInputTokens && usage.ReasoningTokens == serverUsage.ReasoningTokens;
        var expectedCost = pricing.Cost(serverUsage);
        var bytes = (await server.AskAsync("bytes")).Split(' ')[1..].Select(v => v.Split(':')).Select(p => (Requests: long.Parse(p[0], CultureInfo.InvariantCulture), Bytes: long.Parse(p[1], CultureInfo.InvariantCulture))).ToArray();

        output.WriteLine($"agents: {AgentScript.Agents} KimiAgent loops at once, {steps:N0} steps (model calls), streaming, against the emulator on Kestrel at {server.BaseAddress} (own process)");
        output.WriteLine($"        total {run.Elapsed.TotalSeconds:F2} s ({steps / run.Elapsed.TotalSeconds:N0} steps/s); peak heap {waves.Max(w => w.Heap) / (1024.0 * 1024):N1} MB over the idle baseline");
        output.WriteLine($"        usage summed by the agents: {usage}");
        output.WriteLine($"        usage the emulator reported: {serverUsage} -> {(usageMatches ? "equal" : "MISMATCH")}");
        output.WriteLine($"        cost summed by the agents ${cost} vs Moonshot price of the reported usage ${expectedCost} -> {(cost == expectedCost ? "equal" : "MISMATCH")}");
        output.WriteLine();
        output.WriteLine("| Wave (step) | Steps | Request bytes / step | Client CPU / step | Alloc / step | CPU / request byte | Alloc / request byte | Heap / live agent | Working set / live agent |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var wave in waves)
        {
            var (requests, requestBytes) = bytes[wave.Number - 1];
            if (requests != wave.Steps)
            {
                throw new InvalidOperationException($"wave {wave.Number}: {wave.Steps} steps here, {requests} requests at the server.");
            }

            output.WriteLine(
                $"| {wave.Number} | {wave.Steps} | {requestBytes / (double)requests:N0} | {wave.Cpu.TotalMicroseconds / requests:N0} µs | {wave.Allocated / 1024.0 / requests:N1} KB | " +
                $"{wave.Cpu.TotalNanoseconds / requestBytes:F1} ns | {wave.Allocated / (double)requestBytes:F2} B | " +
                $"{(wave.Heap > 0 ? $"{wave.Heap / 1024.0 / wave.Steps:N1} KB" : "–")} | {(wave.WorkingSet > 0 ? $"{wave.WorkingSet / 1024.0 / wave.Steps:N1} KB" : "–")} |");
        }

        // Flatness: wave 1 against the last wave in which every agent still calls a tool (same reply shape, so the fixed
        // per-step cost cancels): what one more byte of history costs. The last wave (final answers) is shown above.
        var first = waves[0];
        var late = waves[AgentScript.StepsFor(AgentScript.Agents - 1) - 2];
        var firstBytes = bytes[0].Bytes / (double)bytes[0].Requests;
        var lateBytes = bytes[late.Number - 1].Bytes / (double)bytes[late.Number - 1].Requests;
        var marginalAlloc = ((late.Allocated / (double)late.Steps) - (first.Allocated / (double)first.Steps)) / (lateBytes - firstBytes);
        var marginalCpu = ((late.Cpu.TotalNanoseconds / late.Steps) - (first.Cpu.TotalNanoseconds / first.Steps)) / (lateBytes - firstBytes);
        output.WriteLine();
        output.WriteLine($"agents: wave 1 holds the first {first.Steps} steps, wave {waves.Count} the last {waves[^1].Steps}; wave 1 vs wave {late.Number} (both all tool calls, {firstBytes:N0} vs {lateBytes:N0} request bytes a step):");
        output.WriteLine($"        each added request byte costs {marginalAlloc:F2} B allocated and {marginalCpu:F1} ns CPU");
        output.WriteLine($"agents: {total.Elapsed.TotalSeconds:F1} s in all");
        return usageMatches && cost == expectedCost && steps == 4000 ? 0 : 1;
    }

    private static async Task<KimiAgentRunResult> RunAgentAsync(KimiAgent agent, int index, WaveGate gate)
    {
        try
        {
            return await agent.RunAsync([KimiMessage.System("You are a coding agent. Use the tools; explain your plan briefly."), KimiMessage.User(AgentScript.Task(index))]);
        }
        finally
        {
            gate.Leave();
        }
    }

    private sealed record Wave(int Number, int Steps, TimeSpan Cpu, long Allocated, long Heap, long WorkingSet);

    /// <summary>Holds agents in their tools until every live agent has arrived; an agent whose run ends leaves.</summary>
    private sealed class WaveGate
    {
        private readonly Lock _lock = new();
        private int _participants;
        private int _arrived;
        private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Action<int>? _onWave;

        /// <summary>Agents in the wave still running when the last run ended (the last wave has no tool call to end it).</summary>
        public int LastWaveSize { get; private set; }

        public void Reset(int participants, Action<int>? onWave)
        {
            lock (_lock)
            {
                _participants = participants;
                _arrived = 0;
                _onWave = onWave;
                LastWaveSize = 0;
            }
        }

        public Task ArriveAsync()
        {
            lock (_lock)
            {
                _arrived++;
                var release = _release;
                ReleaseIfComplete();
                return release.Task;
            }
        }

        public void Leave()
        {
            lock (_lock)
            {
                LastWaveSize++;
                _participants--;
                ReleaseIfComplete();
            }
        }

        private void ReleaseIfComplete()
        {
            if (_arrived == 0 || _arrived < _participants)
            {
                return;
            }

            // Agents that left during this wave also made a model call in it.
            _onWave?.Invoke(_arrived + LastWaveSize);
            LastWaveSize = 0;
            _arrived = 0;
            var release = _release;
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            release.SetResult();
        }
    }
}
