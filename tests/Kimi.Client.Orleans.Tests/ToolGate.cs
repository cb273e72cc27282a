using System.Collections.Concurrent;

namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// Holds every sub-agent's tool call of one step (by its arguments, "… step K") until the test releases that silo, so the test
/// can kill a silo at a moment when no model call is in flight anywhere (every sub-agent waits in a tool).
/// </summary>
internal sealed class ToolGate
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _silos = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _allHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _expected = int.MaxValue;

    /// <summary>The step whose tool calls are held, or <see langword="null"/>.</summary>
    public int? Step { get; private set; }

    /// <summary>Sub-agent run id → the silo its held call waits on.</summary>
    public IReadOnlyDictionary<string, string> Held => _held;

    public void HoldStep(int step, int expected)
    {
        Step = step;
        _expected = expected;
    }

    public Task AllHeld => _allHeld.Task;

    public async Task PassAsync(string silo, string runId, string query, CancellationToken cancellationToken)
    {
        if (Step is not { } step || !query.EndsWith($" step {step}", StringComparison.Ordinal) || _held.ContainsKey(runId))
        {
            return;
        }

        var gate = _silos.GetOrAdd(silo, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _held[runId] = silo;
        if (_held.Count >= _expected)
        {
            _allHeld.TrySetResult();
        }

        await gate.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Lets the held calls on every silo but <paramref name="except"/> go on; later calls of the step pass at once.</summary>
    public void ReleaseAllBut(string? except)
    {
        foreach (var (silo, gate) in _silos)
        {
            if (silo != except)
            {
                gate.TrySetResult();
            }
        }

        Step = null;
    }

    /// <summary>Fails every call still held (those of a killed silo), at the end of the test.</summary>
    public void Abandon()
    {
        foreach (var gate in _silos.Values)
        {
            gate.TrySetException(new InvalidOperationException("The silo was killed."));
        }
    }
}
