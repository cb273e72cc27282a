namespace Kimi.Client.Orleans;

/// <summary>
/// The orchestrator grain's log of its swarm's events: numbered in order from <c>start</c>, the last <c>capacity</c> held in
/// memory. A reader that asks for events no longer held gets a gap event in their place, so nothing is lost silently.
/// </summary>
/// <remarks>Used only from the grain's own scheduler (its calls interleave but never run in parallel).</remarks>
internal sealed class SwarmEventLog
{
    private readonly Queue<EventData> _events = new();
    private readonly Dictionary<string, int> _batches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Source, bool Ended, int Step)> _runs = new(StringComparer.Ordinal);
    private readonly string _swarmRunId;
    private readonly long _start;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _next;

    public SwarmEventLog(string swarmRunId, long start, int capacity, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(start, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _swarmRunId = swarmRunId;
        _start = start;
        _next = start;
        _capacity = capacity;
        _time = time;
    }

    /// <summary>The oldest sequence held (the next one, when nothing is).</summary>
    public long First => _events.TryPeek(out var first) ? first.Sequence : _next;

    /// <summary>The sequence of the last event logged (one before the first, when none was).</summary>
    public long Last => _next - 1;

    /// <summary>
    /// The sequence of the swarm's end since the run last started, or <see langword="null"/>. A sub-agent's straggling events may
    /// still follow it (one that had not yet seen the swarm's cancellation).
    /// </summary>
    public long? Completion { get; private set; }

    /// <summary>A run starts (again): its end is yet to come.</summary>
    public void Reopen() => Completion = null;

    public void Append(EventData item)
    {
        if (item.Kind == KimiClusterSwarmEventKind.SubAgentCompleted && _runs.TryGetValue(item.RunId, out var run) && run.Source is not null && !run.Ended)
        {
            // Its result came back, but its own last events did not: they could not be delivered, or went with a lost silo.
            _runs[item.RunId] = run with { Ended = true };
            Append(SwarmEventMapper.Gap(item.RunId, item.ParentRunId, missed: null, "the sub-agent's last events did not reach the orchestrator", _time));
        }

        var numbered = item.At(_next++);
        _events.Enqueue(numbered);
        while (_events.Count > _capacity)
        {
            _events.Dequeue();
        }

        if (numbered.Kind == KimiClusterSwarmEventKind.SwarmCompleted)
        {
            Completion = numbered.Sequence;
        }

        var appended = _appended;
        _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        appended.TrySetResult();
    }

    /// <summary>Logs a sub-agent's batch once (a retried one is ignored), with a gap for what its source could not deliver or lost.</summary>
    public void Append(EventBatch batch)
    {
        if (_batches.TryGetValue(batch.Source, out var last) && batch.Number <= last)
        {
            return;
        }

        _batches[batch.Source] = batch.Number;
        if (batch.Dropped > 0 && batch.Events.Length > 0)
        {
            var first = batch.Events[0];
            Append(SwarmEventMapper.Gap(first.RunId, first.ParentRunId, batch.Dropped, "the sub-agent could not reach the orchestrator for a while; its events of that time are missing", _time));
        }

        foreach (var item in batch.Events)
        {
            var known = _runs.GetValueOrDefault(item.RunId);
            if (!string.Equals(known.Source, batch.Source, StringComparison.Ordinal)
                && ((known.Source is not null && !known.Ended) || (item.Kind == KimiClusterSwarmEventKind.RunResumed && item.Step > known.Step)))
            {
                // The run goes on in another activation — its silo was lost, or this log is newer than its start — and what
                // the old activation had not forwarded (or forwarded to a lost log) is not here.
                Append(SwarmEventMapper.Gap(item.RunId, item.ParentRunId, missed: null,
                    $"the sub-agent continued from its checkpoint at step {item.Step}; events of its earlier activation are not all in this log", _time));
            }

            _runs[item.RunId] = (batch.Source, item.Kind == KimiClusterSwarmEventKind.RunCompleted, Math.Max(known.Step, item.Step));
            Append(item);
        }
    }

    /// <summary>Up to <paramref name="max"/> events after <paramref name="after"/>; a gap first when some of those are no longer held.</summary>
    public EventData[] Read(long after, int max)
    {
        var result = new List<EventData>(Math.Min(max, _events.Count + 1));
        var first = First;
        if (after < first - 1)
        {
            var sameLog = after >= _start - 1;
            result.Add(SwarmEventMapper.Gap(_swarmRunId, null, sameLog ? first - 1 - after : null,
                sameLog
                    ? $"the watcher fell behind: the log holds the last {_capacity} events"
                    : "the orchestrator's earlier log is gone (its silo was lost, or it was idle and deactivated); events before this are missing",
                _time).At(first - 1));
        }

        foreach (var item in _events)
        {
            if (result.Count >= max)
            {
                break;
            }

            if (item.Sequence > after)
            {
                result.Add(item);
            }
        }

        return [.. result];
    }

    /// <summary>Whether there is anything after <paramref name="after"/>.</summary>
    public bool HasAfter(long after) => _next - 1 > after;

    /// <summary>Completes when the next event is logged.</summary>
    public Task Appended => _appended.Task;
}
