namespace Kimi.Client.Agents;

/// <summary>Another session (in this process or another) holds the run's lease: two processes never continue the same run.</summary>
public sealed class KimiAgentRunInUseException : KimiAgentCheckpointException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Who holds the run and what to do.</param>
    /// <param name="runId">The run.</param>
    /// <param name="location">Where the run is kept.</param>
    public KimiAgentRunInUseException(string message, string runId, string location)
        : base(message, runId, location)
    {
    }
}
