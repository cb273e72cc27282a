using System.Globalization;

namespace Kimi.Client.Orleans;

/// <summary>
/// One event of a swarm run on the cluster, as <see cref="KimiClusterSwarm.WatchAsync"/> reports it: the in-process swarm's event
/// (<see cref="Agents.KimiAgentEvent"/>) reduced to what crosses the wire — the run, its parent, the step, the kind, a name
/// (sub-task or tool) and a short text, and the usage and cost where the in-process event carries them. Streamed model deltas,
/// checkpoint writes, tool arguments and results are not carried.
/// </summary>
public sealed class KimiClusterSwarmEvent
{
    /// <summary>The event's place in the swarm's log: increasing, never repeated. After a <see cref="KimiClusterSwarmEventKind.Gap"/> the numbers may jump.</summary>
    public required long Sequence { get; init; }

    /// <summary>What happened.</summary>
    public required KimiClusterSwarmEventKind Kind { get; init; }

    /// <summary>The run it belongs to: the swarm's run id for the orchestrator, a sub-agent's run id otherwise (for a <see cref="KimiClusterSwarmEventKind.Gap"/>, the run whose events are missing, or the swarm's).</summary>
    public required string RunId { get; init; }

    /// <summary>The run that started <see cref="RunId"/> (the orchestrator, for a sub-agent), or <see langword="null"/> for the orchestrator.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The run's model call (1-based) the event belongs to; 0 before the first. For <see cref="KimiClusterSwarmEventKind.SubAgentCompleted"/> and <see cref="KimiClusterSwarmEventKind.SwarmCompleted"/>, the steps made.</summary>
    public int Step { get; init; }

    /// <summary>The sub-task's name (<see cref="KimiClusterSwarmEventKind.SubAgentStarted"/>, <see cref="KimiClusterSwarmEventKind.SubAgentCompleted"/>) or the tool's name (tool events); otherwise <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>A short text: the stop reason of a completed run, a tool's or sub-agent's error, what a gap lost; at most 300 characters.</summary>
    public string? Text { get; init; }

    /// <summary>Usage, for the kinds that carry it (see <see cref="KimiClusterSwarmEventKind"/>); otherwise <see langword="null"/>.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>Cost in US dollars with <see cref="Usage"/>, when prices are known.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>For a <see cref="KimiClusterSwarmEventKind.Gap"/>: how many events are missing, when known.</summary>
    public long? MissedEvents { get; init; }

    /// <summary>When the event happened, on the clock of the silo that saw it.</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"#{Sequence} {RunId} {Kind}{(Name is null ? string.Empty : " " + Name)} step {Step}{(Usage is null ? string.Empty : $"; {Usage}")}{(Text is null ? string.Empty : ": " + Text)}");
}
