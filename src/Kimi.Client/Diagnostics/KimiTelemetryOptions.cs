namespace Kimi.Client;

/// <summary>What Kimi.Client puts in traces and logs beyond counts and names.</summary>
/// <remarks>Spans and metrics are reported to listeners of <see cref="KimiTelemetry.SourceName"/>; nothing is sent anywhere by itself.</remarks>
public sealed class KimiTelemetryOptions
{
    /// <summary>
    /// Whether message and answer text (reasoning and tool-call arguments included) go into spans
    /// (<c>gen_ai.input.messages</c>, <c>gen_ai.output.messages</c>) and Trace-level logs. Default: <see langword="false"/>:
    /// prompts and answers may hold personal or secret data.
    /// </summary>
    public bool CaptureContent { get; set; }

    internal KimiTelemetryOptions Clone() => (KimiTelemetryOptions)MemberwiseClone();
}
