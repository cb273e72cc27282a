namespace Kimi.Client.Orleans;

/// <summary>Events a sub-agent grain forwards to its orchestrator at once (numbered per source, so a batch retried after a lost answer is logged once).</summary>
[GenerateSerializer, Immutable]
internal sealed class EventBatch
{
    /// <summary>One run of one sub-agent activation: its run id and a fresh id, so a resumed run elsewhere is a new source.</summary>
    [Id(0)] public required string Source { get; init; }

    /// <summary>1, 2, … within the source; the orchestrator ignores a number it has logged.</summary>
    [Id(1)] public int Number { get; init; }

    /// <summary>Events of this source that could not be delivered before (the orchestrator was unreachable too long): logged as a gap.</summary>
    [Id(2)] public long Dropped { get; init; }

    [Id(3)] public required EventData[] Events { get; init; }
}
