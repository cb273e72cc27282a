namespace Kimi.Client.Agents;

/// <summary>What one checkpoint record says happened.</summary>
internal enum CheckpointRecordKind
{
    /// <summary>The run began with these messages.</summary>
    Started,

    /// <summary>A model call returned this assistant turn and usage.</summary>
    ModelCall,

    /// <summary>A tool call is about to run.</summary>
    ToolStarted,

    /// <summary>A tool call finished with this result message.</summary>
    ToolCompleted,

    /// <summary>Messages [start, start + count) were replaced by these (and a summary call used this usage).</summary>
    Compacted,

    /// <summary>The run ended.</summary>
    Ended,
}
