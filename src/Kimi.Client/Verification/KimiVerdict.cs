namespace Kimi.Client.Verification;

/// <summary>The result of one probe of <see cref="KimiVerifier"/> (spec: verifier.md, "Contract").</summary>
public enum KimiVerdict
{
    /// <summary>Observed what the host's profile expects.</summary>
    Pass,

    /// <summary>A documented difference of this host that its profile already handles (for example <c>reasoning</c> on vLLM).</summary>
    Info,

    /// <summary>Observed something the profile does not expect: the SDK may mis-handle this host until the profile is changed.</summary>
    Deviation,

    /// <summary>The call failed for a reason the probe does not own (network, 5xx, 429 after retries, a timeout); never a deviation.</summary>
    Error,

    /// <summary>Not run: the host has no such feature, or an earlier probe's finding removed its input.</summary>
    Skipped,
}
