namespace Kimi.Client.Verification;

/// <summary>Where a <see cref="KimiVerifier"/> run is: reported when each probe starts and when it ends.</summary>
/// <param name="probe">The probe (<c>P4</c>).</param>
/// <param name="name">What it checks.</param>
/// <param name="index">Its position, from 0.</param>
/// <param name="count">How many probes the run has.</param>
/// <param name="check">The finished check, or <see langword="null"/> when the probe is starting.</param>
public sealed class KimiVerificationProgress(string probe, string name, int index, int count, KimiVerificationCheck? check)
{
    /// <summary>The probe (<c>P4</c>).</summary>
    public string Probe { get; } = probe;

    /// <summary>What it checks.</summary>
    public string Name { get; } = name;

    /// <summary>Its position, from 0.</summary>
    public int Index { get; } = index;

    /// <summary>How many probes the run has.</summary>
    public int Count { get; } = count;

    /// <summary>The finished check, or <see langword="null"/> when the probe is starting.</summary>
    public KimiVerificationCheck? Check { get; } = check;
}
