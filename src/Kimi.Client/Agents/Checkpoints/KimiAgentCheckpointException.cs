namespace Kimi.Client.Agents;

/// <summary>A run's checkpoint cannot be read or written: corrupt, truncated, or out of sequence. Nothing was overwritten.</summary>
public class KimiAgentCheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="runId">The run.</param>
    /// <param name="location">Where the run is kept (for example the database file).</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public KimiAgentCheckpointException(string message, string runId, string location, Exception? innerException = null)
        : base(message, innerException)
    {
        RunId = runId;
        Location = location;
    }

    /// <summary>The run.</summary>
    public string RunId { get; }

    /// <summary>Where the run is kept (for example the database file).</summary>
    public string Location { get; }
}
