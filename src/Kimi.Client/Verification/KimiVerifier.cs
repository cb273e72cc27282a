using Kimi.Client.Verification.Probes;

namespace Kimi.Client.Verification;

/// <summary>
/// Checks whether a host speaks the wire contract its profile describes (spec: verifier.md, Part 2): thirteen cheap probes
/// (P0–P12: model listed, thinking switch, reasoning field, reasoning round-trip, tool calls and their ids, sampling rules,
/// usage and caching, stream termination, media, error shapes, request ids, latency), each with one verdict. Each deviation
/// code belongs to one probe, and later probes take earlier findings as given, so one fault is reported once.
/// </summary>
/// <remarks>
/// A default run costs about 10–13 K tokens (the report prints the real usage of every call). The key goes only to the
/// configured endpoint; the error-shape probe uses a fixed fake key. The report holds no key, header or request body.
/// </remarks>
public static class KimiVerifier
{
    /// <summary>Runs every probe against the host the options describe and returns the report.</summary>
    /// <param name="options">The client settings to verify: provider (the expectations), endpoint, model and key.</param>
    /// <param name="verifierOptions">Trials, opt-in probes, the HTTP handler and a progress sink; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>The report: one check per probe.</returns>
    /// <exception cref="ArgumentException">The options are invalid, or the host needs a key and none was found (nothing was sent).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="KimiVerifierOptions.Trials"/> is not between 2 and 40.</exception>
    public static async Task<KimiVerificationReport> RunAsync(KimiClientOptions options, KimiVerifierOptions? verifierOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        verifierOptions ??= new KimiVerifierOptions();
        if (verifierOptions.Trials is < 2 or > 40)
        {
            throw new ArgumentOutOfRangeException(nameof(verifierOptions), verifierOptions.Trials, "KimiVerifierOptions.Trials must be between 2 and 40 (half need the tool, half must not).");
        }

        using var context = new ProbeContext(options, verifierOptions);
        var started = context.Time.GetUtcNow();
        var clock = context.Time.GetTimestamp();
        var checks = new List<KimiVerificationCheck>(Probe.All.Count);
        for (var i = 0; i < Probe.All.Count; i++)
        {
            var probe = Probe.All[i];
            verifierOptions.Progress?.Report(new KimiVerificationProgress(probe.Id, probe.Name, i, Probe.All.Count, null));
            var check = new CheckBuilder(probe.Id, probe.Name);
            try
            {
                await probe.RunAsync(context, check, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is KimiException or HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
            {
                check.Error(context.Scrubber.Scrub(ex.Message)); // a probe's own call failed in a way it did not expect: never a deviation
            }

            var built = check.Build();
            checks.Add(built);
            verifierOptions.Progress?.Report(new KimiVerificationProgress(probe.Id, probe.Name, i, Probe.All.Count, built));
        }

        return new KimiVerificationReport(context.Profile.Name, context.Profile.DisplayName, context.Endpoint, context.Model, started,
            context.Time.GetElapsedTime(clock), checks, HostSuggestion.From(context));
    }

    /// <summary>
    /// The cheapest probe alone (P0, no tokens): whether the client's host lists its model. For health checks; a host without a
    /// model list answers <see cref="KimiVerdict.Skipped"/>.
    /// </summary>
    /// <param name="client">The client whose host and model to check.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The check: Pass (listed), Info (listed without capability fields), Deviation (not listed), Error or Skipped.</returns>
    public static async Task<KimiVerificationCheck> CheckModelListedAsync(KimiClient client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var probe = new ModelListedProbe();
        var check = new CheckBuilder(probe.Id, probe.Name);
        check.CountPlatformCall();
        await ModelListedProbe.EvaluateAsync(client, client.Model, check, cancellationToken).ConfigureAwait(false);
        return check.Build();
    }
}
