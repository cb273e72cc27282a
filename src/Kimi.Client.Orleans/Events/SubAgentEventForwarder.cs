using Kimi.Client.Agents;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Orleans;

/// <summary>
/// Sends a sub-agent's events to its orchestrator's log in batches: every <see cref="Interval"/> (or at <see cref="MaxBatch"/>
/// events) rather than a grain call per event, one batch at a time, each numbered so a retry is logged once. Events it cannot
/// deliver (the orchestrator unreachable past the silo-loss timeout) are counted and reported with the next batch as a gap.
/// </summary>
/// <remarks>Never fails the sub-agent: the run matters more than its progress report.</remarks>
internal sealed partial class SubAgentEventForwarder : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    public const int MaxBatch = 256;

    private readonly IKimiSwarmGrain _orchestrator;
    private readonly string _source;
    private readonly TimeSpan _siloLossTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly List<EventData> _pending = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _number;
    private long _dropped;

    public SubAgentEventForwarder(IKimiSwarmGrain orchestrator, string runId, TimeSpan siloLossTimeout, TimeProvider time, ILogger? logger)
    {
        _orchestrator = orchestrator;
        _source = $"{runId}/{Guid.NewGuid():N}";
        _siloLossTimeout = siloLossTimeout;
        _time = time;
        _logger = logger;
        _loop = LoopAsync(_stop.Token);
    }

    /// <summary>Queues the event if it crosses the wire; sends at once when a batch is full.</summary>
    public async ValueTask AddAsync(KimiAgentEvent item)
    {
        if (SwarmEventMapper.Map(item, _time) is not { } data)
        {
            return;
        }

        bool full;
        lock (_pending)
        {
            _pending.Add(data);
            full = _pending.Count >= MaxBatch;
        }

        if (full)
        {
            await FlushAsync().ConfigureAwait(true);
        }
    }

    /// <summary>Sends what is queued (the sub-agent's last events reach the log before its result reaches the orchestrator).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(true);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await FlushAsync().ConfigureAwait(true);
        _stop.Dispose();
        _sending.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(true);
            await FlushAsync().ConfigureAwait(true);
        }
    }

    private async Task FlushAsync()
    {
        await _sending.WaitAsync().ConfigureAwait(true);
        try
        {
            EventData[] events;
            lock (_pending)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                events = [.. _pending];
                _pending.Clear();
            }

            var batch = new EventBatch { Source = _source, Number = ++_number, Dropped = _dropped, Events = events };
            try
            {
                await GrainRetry.RunAsync(() => _orchestrator.AppendEventsAsync(batch), _siloLossTimeout, CancellationToken.None).ConfigureAwait(true);
                _dropped = 0;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                _dropped += events.Length;
                if (_logger is not null)
                {
                    LogUndelivered(_logger, events.Length, ex);
                }
            }
        }
        finally
        {
            _sending.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A sub-agent could not forward {Count} events to its orchestrator; they are reported as a gap.")]
    private static partial void LogUndelivered(ILogger logger, int count, Exception exception);
}
