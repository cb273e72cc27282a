namespace Kimi.Client.Agents;

/// <summary>One record of a run's checkpoint: what changed in one part of a step, as the agent's own UTF-8 JSON, kept verbatim by stores.</summary>
public sealed class KimiAgentCheckpoint
{
    /// <summary>Creates a record.</summary>
    /// <param name="sequence">Its position in the run, from 1.</param>
    /// <param name="data">Its content (UTF-8 JSON written by the agent).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is less than 1.</exception>
    public KimiAgentCheckpoint(long sequence, ReadOnlyMemory<byte> data)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        Sequence = sequence;
        Data = data;
    }

    /// <summary>Its position in the run, from 1, without gaps.</summary>
    public long Sequence { get; }

    /// <summary>Its content, UTF-8 JSON written by the agent; stores keep it byte for byte.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <inheritdoc/>
    public override string ToString() => $"#{Sequence} ({Data.Length} bytes)";
}
