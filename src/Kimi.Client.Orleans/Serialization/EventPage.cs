namespace Kimi.Client.Orleans;

/// <summary>What a watcher's read of the orchestrator's log returns.</summary>
[GenerateSerializer, Immutable]
internal sealed class EventPage
{
    /// <summary>The events after the sequence asked for, in order (a gap first, when some are no longer held).</summary>
    [Id(0)] public required EventData[] Events { get; init; }

    /// <summary>The run has ended and the page reaches the end of the log: nothing more will come.</summary>
    [Id(1)] public bool Ended { get; init; }
}
