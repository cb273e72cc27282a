namespace Kimi.Client.Verification;

/// <summary>The tokens a probe's calls used, summed from each response's <c>usage</c>.</summary>
/// <param name="inputTokens">Prompt tokens.</param>
/// <param name="outputTokens">Completion tokens, reasoning included.</param>
/// <param name="callsWithoutUsage">Successful calls whose response carried no usage: their cost is unknown, not zero.</param>
public sealed class KimiProbeTokens(int inputTokens, int outputTokens, int callsWithoutUsage)
{
    /// <summary>Prompt tokens.</summary>
    public int InputTokens { get; } = inputTokens;

    /// <summary>Completion tokens, reasoning included.</summary>
    public int OutputTokens { get; } = outputTokens;

    /// <summary>Prompt plus completion tokens.</summary>
    public int TotalTokens => InputTokens + OutputTokens;

    /// <summary>Successful calls whose response carried no usage: their cost is unknown, not zero.</summary>
    public int CallsWithoutUsage { get; } = callsWithoutUsage;

    /// <inheritdoc/>
    public override string ToString() => CallsWithoutUsage == 0 ? $"{TotalTokens} tokens" : $"{TotalTokens} tokens + {CallsWithoutUsage} call(s) of unknown cost";
}
