namespace Kimi.Client.Agents;

/// <summary>
/// An agent with <see cref="KimiAgentOptions.WebSearch"/> saw the model ask for web searches round after round without
/// answering (more than <see cref="KimiAgentOptions.MaxWebSearchRounds"/> in a row). The run ends with
/// <see cref="KimiAgentStopReason.Failed"/> and this exception in <see cref="KimiAgentRunResult.Exception"/>.
/// </summary>
/// <param name="message">What happened and what to change.</param>
/// <param name="provider">The host that was called.</param>
/// <param name="rounds">The search rounds in a row when the run stopped.</param>
public class KimiWebSearchLoopException(string message, KimiProvider provider, int rounds) : KimiException(message, provider)
{
    /// <summary>The search rounds in a row when the run stopped.</summary>
    public int Rounds { get; } = rounds;
}
