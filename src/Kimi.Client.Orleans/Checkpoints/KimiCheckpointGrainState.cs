namespace Kimi.Client.Orleans;

/// <summary>
/// An agent run's checkpoint as grain state: its records, in sequence order, each the agent's UTF-8 JSON kept byte for byte.
/// The grain storage the silo names <see cref="KimiSwarmSiloBuilderExtensions.StorageName"/> persists it.
/// </summary>
[GenerateSerializer]
public sealed class KimiCheckpointGrainState
{
    /// <summary>The records; record <c>n</c> (from 1) is at index <c>n - 1</c>.</summary>
    [Id(0)]
    public List<byte[]> Records { get; set; } = [];
}
