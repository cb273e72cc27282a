using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Kimi.Client.Verification;

/// <summary>
/// What <see cref="KimiVerifier.RunAsync"/> found: one check per probe (P0–P12), token totals, and a host description built
/// from what was observed. It holds no key, no header and no request body beyond the probes' fixed prompts.
/// </summary>
public sealed class KimiVerificationReport
{
    internal KimiVerificationReport(string provider, string displayName, string endpoint, string model, DateTimeOffset startedAt, TimeSpan duration,
        IReadOnlyList<KimiVerificationCheck> checks, KimiHostOptions suggestedHost)
    {
        Provider = provider;
        DisplayName = displayName;
        Endpoint = endpoint;
        Model = model;
        StartedAt = startedAt;
        Duration = duration;
        Checks = checks;
        SuggestedHost = suggestedHost;
        Tokens = new KimiProbeTokens(checks.Sum(static c => c.Tokens.InputTokens), checks.Sum(static c => c.Tokens.OutputTokens), checks.Sum(static c => c.Tokens.CallsWithoutUsage));
    }

    /// <summary>The profile the host was checked against (<see cref="KimiProvider.Name"/>).</summary>
    public string Provider { get; }

    /// <summary>The host's name in messages.</summary>
    public string DisplayName { get; }

    /// <summary>The base URL that was probed, with any credentials written into it removed.</summary>
    public string Endpoint { get; }

    /// <summary>The model id that was probed.</summary>
    public string Model { get; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>How long it took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>One check per probe, in order (P0 first).</summary>
    public IReadOnlyList<KimiVerificationCheck> Checks { get; }

    /// <summary>The tokens of every probe together.</summary>
    public KimiProbeTokens Tokens { get; }

    /// <summary>Whether any probe reported a <see cref="KimiVerdict.Deviation"/> or an <see cref="KimiVerdict.Error"/> (a CI gate fails on this).</summary>
    public bool HasFailures => Checks.Any(static c => c.Verdict is KimiVerdict.Deviation or KimiVerdict.Error);

    /// <summary>
    /// The host as observed, in the shape of <c>Kimi:Hosts:&lt;Name&gt;</c> configuration (<see cref="KimiHostOptions"/>): based on the
    /// probed profile, with the reasoning field, sampling rule, round-trip rule, request-id header and context window that were seen.
    /// Review it before use; the API key is never part of it (only the variable it is read from).
    /// </summary>
    public KimiHostOptions SuggestedHost { get; }

    /// <summary>How many checks have a verdict.</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>The count.</returns>
    public int Count(KimiVerdict verdict) => Checks.Count(c => c.Verdict == verdict);

    /// <summary>Writes the report as JSON (the shape of <c>kimi verify --json</c>).</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("provider", Provider);
        writer.WriteString("displayName", DisplayName);
        writer.WriteString("endpoint", Endpoint);
        writer.WriteString("model", Model);
        writer.WriteString("startedAt", StartedAt);
        writer.WriteNumber("durationMs", Math.Round(Duration.TotalMilliseconds));
        writer.WriteBoolean("passed", !HasFailures);
        writer.WriteStartObject("summary");
        foreach (var verdict in Enum.GetValues<KimiVerdict>())
        {
            writer.WriteNumber(Name(verdict), Count(verdict));
        }

        writer.WriteEndObject();
        WriteTokens(writer, "tokens", Tokens);
        writer.WriteStartArray("checks");
        foreach (var check in Checks)
        {
            writer.WriteStartObject();
            writer.WriteString("probe", check.Probe);
            writer.WriteString("name", check.Name);
            writer.WriteString("verdict", Name(check.Verdict));
            writer.WriteStartArray("codes");
            foreach (var code in check.Codes)
            {
                writer.WriteStringValue(code);
            }

            writer.WriteEndArray();
            writer.WriteString("expected", check.Expected);
            writer.WriteString("observed", check.Observed);
            if (check.Evidence is { } evidence)
            {
                writer.WriteString("evidence", evidence);
            }

            writer.WriteNumber("calls", check.Calls);
            WriteTokens(writer, "tokens", check.Tokens);
            if (check.Metrics.Count > 0)
            {
                writer.WriteStartObject("metrics");
                foreach (var (name, value) in check.Metrics)
                {
                    writer.WriteNumber(name, Math.Round(value, 3));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The report as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The verdict's name as written in JSON and tables (<c>pass</c>, <c>info</c>, <c>deviation</c>, <c>error</c>, <c>skipped</c>).</summary>
    /// <param name="verdict">The verdict.</param>
    /// <returns>Its lower-case name.</returns>
    public static string Name(KimiVerdict verdict) => verdict switch
    {
        KimiVerdict.Pass => "pass",
        KimiVerdict.Info => "info",
        KimiVerdict.Deviation => "deviation",
        KimiVerdict.Error => "error",
        _ => "skipped",
    };

    /// <inheritdoc/>
    public override string ToString() =>
        $"{DisplayName} ({Model}): {Count(KimiVerdict.Pass)} pass, {Count(KimiVerdict.Info)} info, {Count(KimiVerdict.Deviation)} deviation, {Count(KimiVerdict.Error)} error, {Count(KimiVerdict.Skipped)} skipped";

    private static void WriteTokens(Utf8JsonWriter writer, string name, KimiProbeTokens tokens)
    {
        writer.WriteStartObject(name);
        writer.WriteNumber("input", tokens.InputTokens);
        writer.WriteNumber("output", tokens.OutputTokens);
        writer.WriteNumber("total", tokens.TotalTokens);
        writer.WriteNumber("callsWithoutUsage", tokens.CallsWithoutUsage);
        writer.WriteEndObject();
    }
}
