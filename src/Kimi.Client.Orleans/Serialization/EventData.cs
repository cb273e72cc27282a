namespace Kimi.Client.Orleans;

/// <summary>A <see cref="KimiClusterSwarmEvent"/> on the wire between grains and to the client (field for field; usage as <see cref="UsageData"/>).</summary>
[GenerateSerializer, Immutable]
internal sealed record EventData
{
    [Id(0)] public long Sequence { get; init; }
    [Id(1)] public KimiClusterSwarmEventKind Kind { get; init; }
    [Id(2)] public required string RunId { get; init; }
    [Id(3)] public string? ParentRunId { get; init; }
    [Id(4)] public int Step { get; init; }
    [Id(5)] public string? Name { get; init; }
    [Id(6)] public string? Text { get; init; }
    [Id(7)] public UsageData? Usage { get; init; }
    [Id(8)] public decimal? CostUsd { get; init; }
    [Id(9)] public long? MissedEvents { get; init; }
    [Id(10)] public DateTimeOffset Timestamp { get; init; }

    /// <summary>The same event at its place in the log.</summary>
    public EventData At(long sequence) => this with { Sequence = sequence };

    public KimiClusterSwarmEvent ToEvent() => new()
    {
        Sequence = Sequence,
        Kind = Kind,
        RunId = RunId,
        ParentRunId = ParentRunId,
        Step = Step,
        Name = Name,
        Text = Text,
        Usage = Usage?.ToUsage(),
        CostUsd = CostUsd,
        MissedEvents = MissedEvents,
        Timestamp = Timestamp,
    };
}
