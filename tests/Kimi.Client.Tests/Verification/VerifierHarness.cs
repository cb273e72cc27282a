using System.Collections.Concurrent;
using Kimi.Client.Testing;
using Kimi.Client.Verification;

namespace Kimi.Client.Tests.Verification;

/// <summary>
/// Runs <see cref="KimiVerifier"/> against the emulator in memory (the "scripted fake host" of conformance 47): conforming
/// by default, with one <see cref="EmulatorDeviation"/> per fault.
/// </summary>
internal static class VerifierHarness
{
    public const string Key = "emu-key-SENTINEL-5b1d";

    private static readonly ConcurrentDictionary<string, Task<KimiVerificationReport>> Conforming = new();

    public static async Task<(KimiVerificationReport Report, IReadOnlyList<EmulatorRequest> Requests)> RunAsync(
        string providerName, EmulatorDeviation? deviation = null, bool httpImage = false, Func<EmulatorRequest, EmulatorReply?>? responder = null,
        Action<KimiVerifierOptions>? configure = null, Func<KimiProvider, KimiProvider>? profile = null, CancellationToken cancellationToken = default)
    {
        var provider = KimiProvider.FromName(providerName);
        provider = profile?.Invoke(provider) ?? provider;
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider, ApiKey = Key });
        if (deviation is { } d)
        {
            emulator.Options.Deviations.Add(d);
        }

        emulator.Responder = responder;
        var options = new KimiClientOptions
        {
            Provider = provider,
            Endpoint = emulator.BaseAddress,
            ApiKey = Key,
            Resilience = { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(5) },
        };
        var verifier = new KimiVerifierOptions { Handler = emulator.CreateHandler(), IncludeHttpImage = httpImage };
        configure?.Invoke(verifier);
        var report = await KimiVerifier.RunAsync(options, verifier, cancellationToken);
        return (report, emulator.Requests);
    }

    /// <summary>The conforming run of a profile, computed once per test run.</summary>
    public static Task<KimiVerificationReport> ConformingAsync(string providerName, CancellationToken cancellationToken, bool httpImage = false) =>
        Conforming.GetOrAdd($"{providerName}/{httpImage}", _ => Task.Run(async () => (await RunAsync(providerName, httpImage: httpImage)).Report)).WaitAsync(cancellationToken);

    public static KimiVerificationCheck Check(this KimiVerificationReport report, string probe) => report.Checks.Single(c => c.Probe == probe);

    public static string Describe(this KimiVerificationReport report) =>
        string.Join(Environment.NewLine, report.Checks.Select(static c => $"{c}  [{c.Observed}]"));
}
