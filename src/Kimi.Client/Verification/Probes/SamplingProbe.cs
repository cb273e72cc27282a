using Kimi.Client.Diagnostics;

namespace Kimi.Client.Verification.Probes;

/// <summary>
/// P6: the KVV pre-flight reduced to two calls — thinking on with <c>temperature</c> 0.5, thinking off with <c>top_p</c> 0.8.
/// A host whose profile pins sampling (Moonshot) must refuse both; others take both (and the SDK then sends Kimi's
/// recommended values itself). The only requests where the SDK sends a pinned parameter to a pinning host, on purpose.
/// </summary>
internal sealed class SamplingProbe : Probe
{
    public const string Prompt = "Say 'OK' and nothing else.";

    public override string Id => "P6";

    public override string Name => "Sampling rules";

    public override async Task RunAsync(ProbeContext context, CheckBuilder check, CancellationToken cancellationToken)
    {
        var pinned = context.Profile.SamplingIsPinned;
        check.Expected = pinned ? "temperature 0.5 and top_p 0.8 both refused (sampling pinned)" : "both accepted (free sampling; the SDK sends the recommended values)";
        if (pinned)
        {
            KimiLog.VerifierSamplingBypass(context.Logger, Id, "temperature/top_p", context.Profile.DisplayName);
        }

        using var client = context.NewClient(context.ProbeProfile with { SamplingIsPinned = false });
        var on = await context.CompleteAsync(check, client, Ask(Prompt), new ChatCompletionOptions { Temperature = 0.5f, MaxOutputTokens = 64 }, cancellationToken).ConfigureAwait(false);
        var off = await context.CompleteAsync(check, client, Ask(Prompt), new ChatCompletionOptions { Thinking = context.Off, TopP = 0.8f, MaxOutputTokens = 16 }, cancellationToken).ConfigureAwait(false);
        foreach (var (label, outcome) in new[] { ("temperature 0.5", on), ("top_p 0.8", off) })
        {
            if (!outcome.Succeeded && !outcome.IsRefusal)
            {
                check.Error($"{label}: {outcome.Describe()}");
            }
        }

        if (check.HasError)
        {
            return;
        }

        var refused = on.IsRefusal || off.IsRefusal;
        context.Facts.SamplingPinned = refused;
        check.Evidence(string.Join("; ", new[] { on, off }.Where(static o => o.IsRefusal).Select(static o => o.Describe())));
        if (refused == pinned)
        {
            if (pinned)
            {
                check.Pass("non-default sampling refused, as documented");
            }
            else
            {
                check.Info("sampling.not-pinned", "non-default sampling accepted: the SDK sends Kimi's recommended values itself");
            }
        }
        else if (pinned)
        {
            check.Deviation("sampling.not-pinned", "non-default sampling accepted, though this host pins it (a proxy or another server behind the URL?)");
        }
        else
        {
            check.Deviation("sampling.pinned-unexpectedly", $"non-default sampling refused ({(on.IsRefusal ? on : off).Describe()}): describe the host with SamplingIsPinned = true");
        }
    }
}
