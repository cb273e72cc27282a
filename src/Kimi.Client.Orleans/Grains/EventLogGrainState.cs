namespace Kimi.Client.Orleans;

/// <summary>How many times the orchestrator grain was activated: each activation's log numbers its events from a fresh range, above the last one's.</summary>
[GenerateSerializer]
internal sealed class EventLogGrainState
{
    [Id(0)]
    public long Activations { get; set; }
}
