namespace Kimi.Client.Agents;

/// <summary>A step's new state was appended to <see cref="KimiAgentOptions.CheckpointStore"/>.</summary>
public sealed class KimiAgentCheckpointSaved : KimiAgentEvent
{
    internal KimiAgentCheckpointSaved(string runId, int step, long sequence, int records, long bytes)
        : base(runId, step)
    {
        Sequence = sequence;
        Records = records;
        Bytes = bytes;
    }

    /// <summary>The sequence number of the last record written.</summary>
    public long Sequence { get; }

    /// <summary>Records this step appended.</summary>
    public int Records { get; }

    /// <summary>Bytes this step appended.</summary>
    public long Bytes { get; }
}
