using System.Diagnostics;
using System.Diagnostics.Metrics;
using Kimi.Client.Testing;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Kimi.Client.Tests.Diagnostics;

/// <summary>
/// An emulated client under a unique host name, with OpenTelemetry's in-memory exporters listening to Kimi.Client (and to
/// MEAI's test source). Listeners are process-wide, so every read is filtered to this harness's host.
/// </summary>
internal sealed class TelemetryHarness : IDisposable
{
    public const string MeaiSource = "Kimi.Client.Tests.Meai";

    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metrics;
    private readonly List<Activity> _spans = [];
    private readonly List<Metric> _exported = [];

    public TelemetryHarness(KimiProvider? provider = null, Action<KimiClientOptions>? configure = null, ILoggerFactory? loggerFactory = null, TimeSpan chunkDelay = default)
    {
        provider ??= KimiProvider.Moonshot;
        Host = $"t{Guid.NewGuid():N}.kimi-emulator.local";
        Emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = provider, ChunkDelay = chunkDelay });
        _tracing = Sdk.CreateTracerProviderBuilder().AddSource(KimiTelemetry.SourceName, MeaiSource).AddInMemoryExporter(_spans).Build()!;
        _metrics = Sdk.CreateMeterProviderBuilder().AddMeter(KimiTelemetry.SourceName, MeaiSource).AddInMemoryExporter(_exported).Build()!;
        var options = new KimiClientOptions
        {
            Provider = provider,
            ApiKey = "sk-telemetry-secret",
            Endpoint = new Uri($"http://{Host}{Emulator.BaseAddress.AbsolutePath}"),
        };
        configure?.Invoke(options);
        Client = new KimiClient(new HttpClient(Emulator.CreateHandler()), options, loggerFactory);
    }

    public string Host { get; }

    public KimiEmulator Emulator { get; }

    public KimiClient Client { get; }

    /// <summary>Spans of this harness's calls: ours carry server.address; MEAI's are found through their children or name.</summary>
    public IReadOnlyList<Activity> Spans()
    {
        _tracing.ForceFlush();
        lock (_spans)
        {
            return _spans.Where(s => Equals(s.GetTagItem("server.address"), Host) || Equals(s.GetTagItem("kimi.test.host"), Host)).ToList();
        }
    }

    /// <summary>Every data point of a metric recorded for this harness's host, from any meter.</summary>
    public IReadOnlyList<(string Meter, MetricPoint Point)> Points(string name)
    {
        _exported.Clear();
        _metrics.ForceFlush();
        var points = new List<(string, MetricPoint)>();
        foreach (var metric in _exported.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                if (Tag(point, "server.address") as string == Host)
                {
                    points.Add((metric.MeterName, point));
                }
            }
        }

        return points;
    }

    public static object? Tag(MetricPoint point, string name)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == name)
            {
                return tag.Value;
            }
        }

        return null;
    }

    public void Dispose()
    {
        Client.Dispose();
        _tracing.Dispose();
        _metrics.Dispose();
        Emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
