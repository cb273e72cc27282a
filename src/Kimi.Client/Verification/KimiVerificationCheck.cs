namespace Kimi.Client.Verification;

/// <summary>One probe's result: what was expected of the host, what was observed, and the verdict.</summary>
public sealed class KimiVerificationCheck
{
    internal KimiVerificationCheck(string probe, string name, KimiVerdict verdict, IReadOnlyList<string> codes, string expected, string observed,
        string? evidence, int calls, KimiProbeTokens tokens, IReadOnlyDictionary<string, double> metrics)
    {
        Probe = probe;
        Name = name;
        Verdict = verdict;
        Codes = codes;
        Expected = expected;
        Observed = observed;
        Evidence = evidence;
        Calls = calls;
        Tokens = tokens;
        Metrics = metrics;
    }

    /// <summary>The probe's number in verifier.md (<c>P0</c> … <c>P12</c>).</summary>
    public string Probe { get; }

    /// <summary>What it checks (<c>Thinking on/off obeyed</c>).</summary>
    public string Name { get; }

    /// <summary>The verdict: the most serious of the probe's findings.</summary>
    public KimiVerdict Verdict { get; }

    /// <summary>
    /// The codes behind <see cref="Verdict"/> (<c>thinking.off-ignored</c>, <c>reasoning.inline-tags</c> …); each deviation code
    /// belongs to exactly one probe. Empty for a plain pass.
    /// </summary>
    public IReadOnlyList<string> Codes { get; }

    /// <summary>What the host's profile expects.</summary>
    public string Expected { get; }

    /// <summary>What the host did.</summary>
    public string Observed { get; }

    /// <summary>The host's own words or fields that show it (an error message, the reasoning field names), scrubbed of secrets; or <see langword="null"/>.</summary>
    public string? Evidence { get; }

    /// <summary>The HTTP calls the probe made (retries not counted).</summary>
    public int Calls { get; }

    /// <summary>The tokens the probe's calls used.</summary>
    public KimiProbeTokens Tokens { get; }

    /// <summary>Measurements (P12: <c>ttft_ms</c>, <c>tokens_per_second</c>, <c>reasoning_ttft_ms</c>); empty for other probes.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Probe} {Name}: {Verdict}{(Codes.Count == 0 ? string.Empty : " " + string.Join(", ", Codes))}";
}
