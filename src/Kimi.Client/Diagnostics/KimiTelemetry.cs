using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Kimi.Client;

/// <summary>
/// The names under which Kimi.Client reports traces and metrics, following the OpenTelemetry GenAI semantic conventions
/// (span <c>chat {model}</c>; <c>gen_ai.client.token.usage</c>, <c>gen_ai.client.operation.duration</c>,
/// <c>gen_ai.client.operation.time_to_first_chunk</c>), with extras under <c>kimi.*</c>.
/// </summary>
/// <remarks>
/// <para>Subscribe with <c>AddSource(KimiTelemetry.SourceName)</c> and <c>AddMeter(KimiTelemetry.SourceName)</c>.</para>
/// <para>
/// Calls made through <see cref="AI.KimiChatClient"/> do not record the <c>gen_ai.*</c> span and metrics: that is the job of
/// Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c>, which records the same instruments, and recording both would count
/// every token twice. They add the <c>kimi.*</c> attributes to the current GenAI span instead, and record
/// <see cref="CostMetricName"/>.
/// </para>
/// </remarks>
public static class KimiTelemetry
{
    /// <summary>The name of the <see cref="ActivitySource"/> and of the <see cref="Meter"/>: <c>Kimi.Client</c>.</summary>
    public const string SourceName = "Kimi.Client";

    /// <summary>The counter of US dollars spent, on providers with a published price: <c>kimi.client.cost</c>.</summary>
    public const string CostMetricName = "kimi.client.cost";

    internal static readonly ActivitySource ActivitySource = new(SourceName, typeof(KimiTelemetry).Assembly.GetName().Version?.ToString(3));

    internal static readonly Meter Meter = new(SourceName, typeof(KimiTelemetry).Assembly.GetName().Version?.ToString(3));

    internal static readonly Histogram<long> TokenUsage = Meter.CreateHistogram<long>(
        "gen_ai.client.token.usage", "{token}", "Number of input and output tokens used."
#if NET9_0_OR_GREATER
        , advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864] }
#endif
        );

    internal static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.duration", "s", "GenAI operation duration."
#if NET9_0_OR_GREATER
        , advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] }
#endif
        );

    internal static readonly Histogram<double> TimeToFirstChunk = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.time_to_first_chunk", "s", "Time from the request to the first streamed chunk."
#if NET9_0_OR_GREATER
        , advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] }
#endif
        );

    internal static readonly Counter<double> Cost = Meter.CreateCounter<double>(CostMetricName, "USD", "US dollars spent, at the provider's published price.");

    internal static bool IsObserved =>
        ActivitySource.HasListeners() || TokenUsage.Enabled || OperationDuration.Enabled || TimeToFirstChunk.Enabled || Cost.Enabled;
}
