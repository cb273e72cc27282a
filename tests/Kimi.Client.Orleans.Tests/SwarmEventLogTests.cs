namespace Kimi.Client.Orleans.Tests;

/// <summary>
/// The orchestrator's log on its own: what the cluster tests cannot force at will — an answer lost after a batch was logged,
/// events a sub-agent could not deliver — and the exact numbers of a capped log and of a log that replaced a lost one.
/// </summary>
public class SwarmEventLogTests
{
    private const string Swarm = "swarm-1";

    [Fact]
    public void A_batch_sent_again_after_a_lost_answer_is_logged_once_and_events_are_numbered_in_order()
    {
        var log = new SwarmEventLog(Swarm, start: 1, capacity: 100, TimeProvider.System);
        log.Append(Event(Swarm, KimiClusterSwarmEventKind.SubAgentStarted, runOf: null, subAgent: "sub-1"));
        var batch = Batch("sub-1/a", 1, dropped: 0, Event("sub-1", KimiClusterSwarmEventKind.ModelCallStarted, step: 1), Event("sub-1", KimiClusterSwarmEventKind.ModelCallCompleted, step: 1));

        log.Append(batch);
        log.Append(batch); // the answer was lost; the forwarder sent it again
        log.Append(Batch("sub-1/a", 2, dropped: 0, Event("sub-1", KimiClusterSwarmEventKind.RunCompleted, step: 1)));

        var events = log.Read(after: 0, max: 100);
        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Sequence));
        Assert.Equal([KimiClusterSwarmEventKind.SubAgentStarted, KimiClusterSwarmEventKind.ModelCallStarted, KimiClusterSwarmEventKind.ModelCallCompleted, KimiClusterSwarmEventKind.RunCompleted], events.Select(e => e.Kind));
        Assert.Equal([3L, 4], log.Read(after: 2, max: 100).Select(e => e.Sequence));
        Assert.Equal([3L], log.Read(after: 2, max: 1).Select(e => e.Sequence));
        Assert.Empty(log.Read(after: 4, max: 100));
        Assert.False(log.HasAfter(4));
    }

    [Fact]
    public void Events_a_sub_agent_could_not_deliver_are_a_gap_that_counts_them_before_its_next_batch()
    {
        var log = new SwarmEventLog(Swarm, start: 1, capacity: 100, TimeProvider.System);
        log.Append(Batch("sub-1/a", 1, dropped: 0, Event("sub-1", KimiClusterSwarmEventKind.ModelCallStarted, step: 1)));
        log.Append(Batch("sub-1/a", 3, dropped: 2, Event("sub-1", KimiClusterSwarmEventKind.ToolStarted, step: 2)));

        var events = log.Read(0, 100);
        Assert.Equal([KimiClusterSwarmEventKind.ModelCallStarted, KimiClusterSwarmEventKind.Gap, KimiClusterSwarmEventKind.ToolStarted], events.Select(e => e.Kind));
        Assert.Equal(2, events[1].MissedEvents);
        Assert.Equal("sub-1", events[1].RunId);
    }

    [Fact]
    public void A_sub_agent_that_continues_in_a_new_activation_before_its_end_reached_the_log_gets_a_gap_and_one_whose_result_comes_without_its_end_too()
    {
        var log = new SwarmEventLog(Swarm, start: 1, capacity: 100, TimeProvider.System);
        log.Append(Batch("sub-1/a", 1, dropped: 0, Event("sub-1", KimiClusterSwarmEventKind.ModelCallCompleted, step: 1)));
        log.Append(Batch("sub-1/b", 1, dropped: 0, Event("sub-1", KimiClusterSwarmEventKind.RunResumed, step: 2), Event("sub-1", KimiClusterSwarmEventKind.RunCompleted, step: 3)));

        // Resumed further than this log knows of, from its first event on (this log is newer than the run's start).
        log.Append(Batch("sub-2/b", 1, dropped: 0, Event("sub-2", KimiClusterSwarmEventKind.RunResumed, step: 2)));

        // A result back without the run's own end.
        log.Append(Batch("sub-3/a", 1, dropped: 0, Event("sub-3", KimiClusterSwarmEventKind.ModelCallStarted, step: 1)));
        log.Append(Event("sub-3", KimiClusterSwarmEventKind.SubAgentCompleted, step: 1));

        // Ended in one activation and resumed at the same step in the next (a finished run asked again): nothing is missing.
        log.Append(Batch("sub-1/c", 1, dropped: 0, Event("sub-1", KimiClusterSwarmEventKind.RunResumed, step: 3)));

        var kinds = log.Read(0, 100).Select(e => (e.RunId, e.Kind)).ToList();
        Assert.Equal(
        [
            ("sub-1", KimiClusterSwarmEventKind.ModelCallCompleted),
            ("sub-1", KimiClusterSwarmEventKind.Gap),
            ("sub-1", KimiClusterSwarmEventKind.RunResumed),
            ("sub-1", KimiClusterSwarmEventKind.RunCompleted),
            ("sub-2", KimiClusterSwarmEventKind.Gap),
            ("sub-2", KimiClusterSwarmEventKind.RunResumed),
            ("sub-3", KimiClusterSwarmEventKind.ModelCallStarted),
            ("sub-3", KimiClusterSwarmEventKind.Gap),
            ("sub-3", KimiClusterSwarmEventKind.SubAgentCompleted),
            ("sub-1", KimiClusterSwarmEventKind.RunResumed),
        ], kinds);
    }

    [Fact]
    public void A_capped_log_keeps_the_last_events_and_a_reader_behind_gets_one_gap_counting_the_rest()
    {
        var log = new SwarmEventLog(Swarm, start: 1, capacity: 3, TimeProvider.System);
        for (var step = 1; step <= 10; step++)
        {
            log.Append(Event(Swarm, KimiClusterSwarmEventKind.ModelCallCompleted, step: step));
        }

        var events = log.Read(after: 2, max: 100);
        Assert.Equal([7L, 8, 9, 10], events.Select(e => e.Sequence));
        Assert.Equal(KimiClusterSwarmEventKind.Gap, events[0].Kind);
        Assert.Equal(5, events[0].MissedEvents); // 3 … 7
        Assert.Contains("fell behind", events[0].Text, StringComparison.Ordinal);
        Assert.Equal([9L, 10], log.Read(after: 8, max: 100).Select(e => e.Sequence));
        Assert.Equal(8, log.First);
    }

    [Fact]
    public void A_log_that_replaced_a_lost_one_numbers_above_it_and_a_reader_of_the_old_one_gets_a_gap_of_unknown_size()
    {
        var start = (3L << 32) + 1;
        var log = new SwarmEventLog(Swarm, start, capacity: 100, TimeProvider.System);
        var empty = log.Read(after: 57, max: 100);
        var gap = Assert.Single(empty);
        Assert.Equal(KimiClusterSwarmEventKind.Gap, gap.Kind);
        Assert.Equal(start - 1, gap.Sequence);
        Assert.Null(gap.MissedEvents);

        log.Append(Event(Swarm, KimiClusterSwarmEventKind.RunResumed, step: 2));
        Assert.Equal([start], log.Read(after: gap.Sequence, max: 100).Select(e => e.Sequence));
        Assert.Equal(KimiClusterSwarmEventKind.Gap, log.Read(after: 0, max: 100)[0].Kind); // a new watcher too: the run began before this log
    }

    [Fact]
    public void The_swarms_end_is_remembered_until_the_run_starts_again_and_stragglers_after_it_are_still_logged()
    {
        var log = new SwarmEventLog(Swarm, start: 1, capacity: 100, TimeProvider.System);
        log.Append(Event(Swarm, KimiClusterSwarmEventKind.SwarmCompleted));
        Assert.Equal(1, log.Completion);
        log.Append(Batch("sub-1/a", 1, dropped: 0, Event("sub-1", KimiClusterSwarmEventKind.RunCompleted, step: 1)));
        Assert.Equal(1, log.Completion);
        Assert.Equal(2, log.Last);

        log.Reopen();
        Assert.Null(log.Completion);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_reader_waiting_for_news_is_woken_by_the_next_event()
    {
        var log = new SwarmEventLog(Swarm, start: 1, capacity: 100, TimeProvider.System);
        var appended = log.Appended;
        Assert.False(appended.IsCompleted);
        log.Append(Event(Swarm, KimiClusterSwarmEventKind.ModelCallStarted, step: 1));
        await appended.WaitAsync(TestContext.Current.CancellationToken);
        Assert.False(log.Appended.IsCompleted);
    }

    private static EventData Event(string runId, KimiClusterSwarmEventKind kind, int step = 0, string? runOf = Swarm, string? subAgent = null) => new()
    {
        RunId = subAgent ?? runId,
        ParentRunId = runId == Swarm && subAgent is null ? null : runOf ?? Swarm,
        Kind = kind,
        Step = step,
    };

    private static EventBatch Batch(string source, int number, long dropped, params EventData[] events) =>
        new() { Source = source, Number = number, Dropped = dropped, Events = events };
}
