namespace Kimi.Client.Verification;

/// <summary>Collects one probe's findings, calls and tokens, and turns them into its <see cref="KimiVerificationCheck"/>.</summary>
internal sealed class CheckBuilder(string probe, string name)
{
    private readonly List<(KimiVerdict Verdict, string? Code, string Detail)> _findings = [];
    private readonly List<string> _observed = [];
    private readonly List<string> _evidence = [];
    private readonly Dictionary<string, double> _metrics = new(StringComparer.Ordinal);
    private int _input, _output, _withoutUsage;

    public string Probe { get; } = probe;

    public string Name { get; } = name;

    public string Expected { get; set; } = string.Empty;

    public int Calls { get; private set; }

    public bool HasError => _findings.Exists(static f => f.Verdict == KimiVerdict.Error);

    public void Observe(string text) => _observed.Add(text);

    public void Evidence(string? text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            _evidence.Add(text.Length > 300 ? string.Concat(text.AsSpan(0, 300), "…") : text);
        }
    }

    public void Metric(string key, double value) => _metrics[key] = value;

    public void Pass(string observed) => _observed.Add(observed);

    public void Info(string code, string detail) => _findings.Add((KimiVerdict.Info, code, detail));

    public void Deviation(string code, string detail) => _findings.Add((KimiVerdict.Deviation, code, detail));

    public void Error(string detail) => _findings.Add((KimiVerdict.Error, null, detail));

    public void Skip(string reason) => _findings.Add((KimiVerdict.Skipped, null, reason));

    /// <summary>Counts one call and, when it succeeded, its usage (a success without usage is of unknown cost).</summary>
    public void Count(ChatCompletion? completion)
    {
        Calls++;
        if (completion is null)
        {
            return;
        }

        if (completion.Usage is { } usage)
        {
            _input += usage.InputTokens;
            _output += usage.OutputTokens;
        }
        else
        {
            _withoutUsage++;
        }
    }

    public void CountPlatformCall() => Calls++;

    public KimiVerificationCheck Build()
    {
        // The most serious finding decides; an error is never a deviation, and a skip only stands alone.
        var verdict = _findings.Exists(static f => f.Verdict == KimiVerdict.Error) ? KimiVerdict.Error
            : _findings.Exists(static f => f.Verdict == KimiVerdict.Deviation) ? KimiVerdict.Deviation
            : _findings.Exists(static f => f.Verdict == KimiVerdict.Info) ? KimiVerdict.Info
            : _findings.Count > 0 && _findings.TrueForAll(static f => f.Verdict == KimiVerdict.Skipped) ? KimiVerdict.Skipped
            : KimiVerdict.Pass;
        var codes = _findings.Where(f => f.Verdict == verdict && f.Code is not null).Select(static f => f.Code!).Distinct(StringComparer.Ordinal).ToArray();
        var details = _findings.Where(f => f.Verdict == verdict || (verdict == KimiVerdict.Deviation && f.Verdict == KimiVerdict.Info)).Select(static f => f.Detail);
        var observed = string.Join("; ", _observed.Concat(details).Distinct(StringComparer.Ordinal));
        return new KimiVerificationCheck(Probe, Name, verdict, codes, Expected, observed.Length == 0 ? "(nothing)" : observed,
            _evidence.Count == 0 ? null : string.Join(" | ", _evidence.Distinct(StringComparer.Ordinal)), Calls,
            new KimiProbeTokens(_input, _output, _withoutUsage), _metrics);
    }
}
