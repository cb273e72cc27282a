using System.Collections.Concurrent;
using System.Text.Json;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// Everything outside the silos of one test cluster: the emulator with its scripted swarm, the storage every silo shares, the
/// tools' record of executions, and which silos the test has killed (a killed silo's grains can no longer call the model,
/// run a tool or write state: in a real crash their process is gone).
/// </summary>
internal sealed class ClusterWorld : IAsyncDisposable
{
    public static readonly string[] ToolNames = ["search_code", "read_file"];

    private readonly ConcurrentDictionary<string, bool> _dead = new(StringComparer.Ordinal);
    private int _toolStarts;
    private int _holdAnswer;

    public ClusterWorld(EmulatorSwarmScript script)
    {
        Script = script;
        Emulator = new KimiEmulator(new KimiEmulatorOptions { MaxRecordedRequests = 16 }) { Responder = script.Reply };
    }

    public EmulatorSwarmScript Script { get; }

    public KimiEmulator Emulator { get; }

    public ConcurrentDictionary<string, StoredState> Storage { get; } = new(StringComparer.Ordinal);

    public ToolGate Gate { get; } = new();

    /// <summary>Every tool execution by its arguments (unique per sub-task and step) → times run.</summary>
    public ConcurrentDictionary<string, int> Executions { get; } = new(StringComparer.Ordinal);

    /// <summary>Sub-agent run id → the silos its tools ran on, in order.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> ToolSilos { get; } = new(StringComparer.Ordinal);

    /// <summary>The silos the orchestrator's model calls were sent from.</summary>
    public ConcurrentQueue<string> OrchestratorSilos { get; } = new();

    /// <summary>Model calls sent per silo.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>Tool calls started, on any silo (counted before the gate, so a held or cancelled one counts too).</summary>
    public int ToolStarts => Volatile.Read(ref _toolStarts);

    /// <summary>Set once the held answer (<see cref="HoldNextSubAgentAnswer"/>) has been sent by the emulator and is held on its way back.</summary>
    public TaskCompletionSource AnswerHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the held answer go on to its sub-agent.</summary>
    public TaskCompletionSource ReleaseAnswer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next sub-agent model call is answered by the emulator (and counted in its sums), then held on its way back.</summary>
    public void HoldNextSubAgentAnswer() => Volatile.Write(ref _holdAnswer, 1);

    /// <summary>Holds an answer the emulator sent if it is the one to hold, as a slow network would (the caller's cancellation ends the wait).</summary>
    public async Task PassAnswerAsync(bool orchestrator, CancellationToken cancellationToken)
    {
        if (!orchestrator && Interlocked.CompareExchange(ref _holdAnswer, 0, 1) == 1)
        {
            AnswerHeld.TrySetResult();
            await ReleaseAnswer.Task.WaitAsync(cancellationToken);
        }
    }

    public void Kill(string silo) => _dead[silo] = true;

    public bool IsDead(string silo) => _dead.ContainsKey(silo);

    public void ThrowIfDead(string silo)
    {
        if (IsDead(silo))
        {
            throw new InvalidOperationException($"Silo {silo} was killed: its process can do nothing any more.");
        }
    }

    public static KimiMessage[] Conversation() =>
        [KimiMessage.System("You are the orchestrator of a swarm. Split the work with delegate_tasks."), KimiMessage.User("Check every part of the parser.")];

    /// <summary>The swarm's tools as one silo runs them: held by the gate, refused on a killed silo, every execution counted.</summary>
    public AIFunction[] Tools(string silo) => [.. ToolNames.Select(name => AIFunctionFactory.Create(
        async (string query, CancellationToken cancellationToken) =>
        {
            var context = KimiAgentToolContext.Current ?? throw new InvalidOperationException("A tool ran outside an agent's tool call.");
            Interlocked.Increment(ref _toolStarts);
            await Gate.PassAsync(silo, context.RunId, query, cancellationToken);
            ThrowIfDead(silo);
            Executions.AddOrUpdate(query, 1, (_, n) => n + 1);
            ToolSilos.GetOrAdd(context.RunId, _ => new()).Enqueue(silo);
            return $"{name}: nothing unusual for '{query}'.";
        },
        name,
        $"The {name} tool."))];

    /// <summary>
    /// On resume, a tool call that started but has no recorded result runs again only if it never ran (checked against the
    /// executions, as a real tool would check its idempotency key); one that ran gets its outcome without running again.
    /// </summary>
    public ValueTask<string?> InterruptedToolCall(ToolCall call, CancellationToken cancellationToken)
    {
        using var arguments = JsonDocument.Parse(call.Arguments);
        var query = arguments.RootElement.GetProperty("query").GetString()!;
        return ValueTask.FromResult(Executions.ContainsKey(query) ? $"{call.Name}: it ran before the interruption." : null);
    }

    public async ValueTask DisposeAsync()
    {
        Gate.Abandon();
        ReleaseAnswer.TrySetResult();
        await Emulator.DisposeAsync();
    }
}
