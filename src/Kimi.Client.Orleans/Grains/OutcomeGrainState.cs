namespace Kimi.Client.Orleans;

/// <summary>The orchestrator grain's result once the swarm ended, so a caller that lost the answer gets it again.</summary>
[GenerateSerializer]
internal sealed class OutcomeGrainState
{
    [Id(0)]
    public SwarmOutcome? Outcome { get; set; }
}
