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
    private readonly Dictionary<string, (string Source, bool Ended)> _sources = new(StringComparer.Ordinal);
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

    /// <summary>The last event logged ends the swarm.</summary>
    public bool EndsWithCompletion { get; private set; }

    public void Append(EventData item)
    {
        if (item.Kind == KimiClusterSwarmEventKind.SubAgentCompleted && _sources.TryGetValue(item.RunId, out var source) && !source.Ended)
        {
            // Its result came back, but its own last events did not: they could not be delivered, or went with a lost silo.
            _sources[item.RunId] = (source.Source, true);
            Append(SwarmEventMapper.Gap(item.RunId, item.ParentRunId, missed: null, "the sub-agent's last events did not reach the orchestrator", _time));
        }

        var numbered = item.At(_next++);
        _events.Enqueue(numbered);
        while (_events.Count > _capacity)
        {
            _events.Dequeue();
        }

        EndsWithCompletion = numbered.Kind == KimiClusterSwarmEventKind.SwarmCompleted;
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
            if (_sources.TryGetValue(item.RunId, out var known) && !string.Equals(known.Source, batch.Source, StringComparison.Ordinal) && !known.Ended)
            {
                // The run went on in another activation (its silo was lost): what the old one had not forwarded yet went with it.
                Append(SwarmEventMapper.Gap(item.RunId, item.ParentRunId, missed: null, "the sub-agent continued from its checkpoint elsewhere; events it had not forwarded before may be missing", _time));
            }

            _sources[item.RunId] = (batch.Source, item.Kind == KimiClusterSwarmEventKind.RunCompleted);
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
