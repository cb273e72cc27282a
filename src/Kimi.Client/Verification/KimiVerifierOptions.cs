using Microsoft.Extensions.Logging;

namespace Kimi.Client.Verification;

/// <summary>How a <see cref="KimiVerifier"/> run probes a host.</summary>
public sealed class KimiVerifierOptions
{
    /// <summary>Tool-call trials of probe P4, half needing the tool and half not, half streamed (2 to 40). Default: 8.</summary>
    public int Trials { get; set; } = 8;

    /// <summary>Whether P9 also sends a public https image URL (the host's URL policy). Default: <see langword="false"/>.</summary>
    public bool IncludeHttpImage { get; set; }

    /// <summary>Whether P9 also sends a tiny MP4 (video cost is unconfirmed, hence opt-in). Default: <see langword="false"/>.</summary>
    public bool IncludeVideo { get; set; }

    /// <summary>A floor for P12's output tokens per second; below it P12 reports a deviation. Default: none (P12 only measures).</summary>
    public double? MinTokensPerSecond { get; set; }

    /// <summary>A ceiling for P12's time to the first answer token; above it P12 reports a deviation. Default: none.</summary>
    public TimeSpan? MaxTimeToFirstToken { get; set; }

    /// <summary>
    /// The HTTP handler the probes send through (it is not disposed). Default: a new connection pool of the verifier's own. Tests
    /// pass an emulator's in-memory handler (<c>KimiEmulator.CreateHandler()</c>).
    /// </summary>
    public HttpMessageHandler? Handler { get; set; }

    /// <summary>Where the SDK's warnings during the run go (the P6 sampling bypass is logged there).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>The clock for timeouts and P12's measurements. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Told when each probe starts and ends (for a progress bar).</summary>
    public IProgress<KimiVerificationProgress>? Progress { get; set; }
}
