using System.Diagnostics;
using Kimi.Client.Agents;
using Kimi.Client.Benchmarks.Workloads;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// One long agent run of the <c>--agents</c> long-run part that gives way every <see cref="Slice"/> steps: its tool waits
/// for the next turn, so several runs take turns and each one's per-step CPU time and allocations are its own.
/// </summary>
internal sealed class MeasuredRun(KimiClient client, string name, IKimiAgentCheckpointStore? store, int? maxSteps = null)
{
    public const int Slice = 100;
    private const int MemoryEvery = 100;

    private static readonly string FileText = new WordSource(211).Text(8_000);

    private readonly SemaphoreSlim _turn = new(0);
    private readonly SemaphoreSlim _yielded = new(0);
    private int _calls;
    private bool _parked;

    public string Name => name;

    public KimiAgentRunResult? Result { get; private set; }

    /// <summary>Per tool step: CPU time and bytes allocated from one model call's start to the next one's (steps that gave way are left out).</summary>
    public List<(int Step, TimeSpan Cpu, long Allocated)> Steps { get; } = [];

    /// <summary>Every 100 steps: managed heap after a full GC, and the live history's size.</summary>
    public List<(int Step, long Heap, long PromptTokens, int Messages, int Threads)> Memory { get; } = [];

    public int Compactions { get; private set; }

    public int Summaries { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    /// <summary>Lets the run go on for <see cref="Slice"/> steps; false once it has ended.</summary>
    public async Task<bool> TakeTurnAsync()
    {
        if (Result is not null)
        {
            return false;
        }

        _turn.Release();
        await _yielded.WaitAsync();
        return Result is null;
    }

    public async Task RunAsync()
    {
        await _turn.WaitAsync();
        var tool = AIFunctionFactory.Create(
            async (string path) =>
            {
                if (++_calls % Slice == 0)
                {
                    _parked = true;
                    _yielded.Release();
                    await _turn.WaitAsync();
                }

                return FileText;
            },
            "read_file",
            "Reads a source file.");
        var agent = new KimiAgent(client, [tool], new KimiAgentOptions
        {
            MaxSteps = maxSteps,
            ContextWindow = LongRunScript.Window,
            CallOptions = new ChatCompletionOptions { MaxOutputTokens = 2_048 },
            Compaction = new KimiCompactionOptions { Summarize = true },
            CheckpointStore = store,
        });

        var heapBase = GC.GetTotalMemory(forceFullCollection: true);
        var toolStep = 0;
        var clock = Stopwatch.StartNew();
        var mark = Meter.Now();
        try
        {
            await foreach (var item in agent.RunStreamingAsync([KimiMessage.System("You are a coding agent. Use read_file; think briefly."), KimiMessage.User(LongRunScript.Task(name))]))
            {
                switch (item)
                {
                    case KimiAgentModelCallStarted started:
                        // Everything since the last call started belongs to the step before: its stream, tool, checkpoint and any compaction.
                        var (cpu, allocated) = Meter.Now() - mark;
                        if (toolStep > 0 && !_parked)
                        {
                            Steps.Add((toolStep, cpu, allocated));
                        }

                        _parked = false;
                        toolStep++;
                        if (toolStep % MemoryEvery == 0)
                        {
                            Memory.Add((toolStep, GC.GetTotalMemory(forceFullCollection: true) - heapBase, started.EstimatedPromptTokens, started.Messages, ThreadPool.ThreadCount));
                        }

                        mark = Meter.Now(); // after the GC: its cost is not the step's
                        break;
                    case KimiAgentHistoryCompacted compacted:
                        Compactions++;
                        Summaries += compacted.MessagesSummarized > 0 ? 1 : 0;
                        break;
                    case KimiAgentRunCompleted end:
                        var (lastCpu, lastAllocated) = Meter.Now() - mark;
                        Steps.Add((toolStep, lastCpu, lastAllocated));
                        Result = end.Result;
                        break;
                }
            }
        }
        finally
        {
            Elapsed = clock.Elapsed;
            _yielded.Release();
        }
    }

    /// <summary>Mean CPU (µs) and allocation (bytes) per step for steps [from, to).</summary>
    public (double Cpu, double Alloc) Between(int from, int to)
    {
        var slice = Steps.Where(s => s.Step >= from && s.Step < to).ToList();
        return slice.Count == 0 ? (0, 0) : (slice.Average(s => s.Cpu.TotalMicroseconds), slice.Average(s => (double)s.Allocated));
    }
}
