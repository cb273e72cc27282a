namespace Kimi.Client;

/// <summary>
/// How much of a response the client will hold, so a broken or hostile server cannot exhaust memory. The defaults fit
/// real Kimi K2.6 traffic (a 256K-token answer, or a base64 image echoed back); going over fails with
/// <see cref="KimiResponseTooLargeException"/> (a stream's with what arrived before).
/// </summary>
public sealed class KimiLimitOptions
{
    /// <summary>The largest non-streamed response body, in bytes. Default: 64 MiB.</summary>
    public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The largest single stream event (one SSE event: its lines up to the blank line), in bytes. Default: 16 MiB.</summary>
    public long MaxStreamEventBytes { get; set; } = 16L * 1024 * 1024;

    internal IEnumerable<string> Validate()
    {
        if (MaxResponseBytes is < 1024 or > int.MaxValue)
        {
            yield return $"Kimi:Limits:MaxResponseBytes must be between 1024 and {int.MaxValue}; got {MaxResponseBytes}.";
        }

        if (MaxStreamEventBytes is < 1024 or > int.MaxValue / 2)
        {
            yield return $"Kimi:Limits:MaxStreamEventBytes must be between 1024 and {int.MaxValue / 2}; got {MaxStreamEventBytes}.";
        }
    }

    internal KimiLimitOptions Clone() => (KimiLimitOptions)MemberwiseClone();
}
