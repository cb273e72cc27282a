using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--profile … --types</c>: which types the allocated bytes went to, from the runtime's own allocation sampling
/// (<c>GCAllocationTick</c>, one event about every 100 KB, naming the type that crossed the mark), read in-process. Shares,
/// not exact bytes; the exact total per call is the profile line's (printed from a run without the sampler, whose events
/// allocate too).
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _on;

    public void Start() => _on = true;

    public void Stop() => _on = false;

    /// <summary>The types with the largest shares, with their bytes per call.</summary>
    public void Report(TextWriter output, long calls, int top = 25)
    {
        var total = _bytes.Values.Sum();
        foreach (var (type, bytes) in _bytes.OrderByDescending(pair => pair.Value).Take(top))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes * 100.0 / total,6:F1} % {bytes / (double)calls,9:N0} B/call  {type}"));
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_on || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var type = eventData.Payload![names.IndexOf("TypeName")] as string ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[names.IndexOf("AllocationAmount64")], CultureInfo.InvariantCulture);
        _bytes.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
