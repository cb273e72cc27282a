using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kimi.Client.Orleans;

/// <summary>
/// A <see cref="KimiRateLimiter"/> whose limits are one for the whole Orleans cluster rather than one per silo: each partition
/// (host, base URL and key hash) is a grain holding the per-minute budgets and the concurrency slots, so the
/// <see cref="KimiClientOptions.RateLimit"/> of every silo's clients add up to the account's limits, not to a multiple of them.
/// </summary>
/// <remarks>
/// <para>
/// Set it as <see cref="KimiRateLimitOptions.Limiter"/>: <see cref="KimiSwarmSiloBuilderExtensions.AddKimiSwarm"/> does it for
/// the clients in the silo's services (<see cref="KimiClusterSwarmOptions.ShareRateLimits"/>), and
/// <see cref="KimiClusterRateLimiterSiloBuilderExtensions.AddKimiClusterRateLimiter"/> does it without a swarm. The semantics
/// are the in-process limiter's: a call waits at most what is left of its total timeout, tokens are reserved from an estimate
/// and settled with the real usage, and a concurrency slot is held until the response is read or the stream disposed.
/// </para>
/// <para>
/// Every grain call is short. A call that waits for a slot asks again after a pause (10 ms, doubling up to
/// <see cref="KimiClusterRateLimiterOptions.MaxPollInterval"/>), keeping its place in line. A slot is a lease that this
/// limiter renews while its call runs; a silo that dies stops renewing, and its slots are free again within
/// <see cref="KimiClusterRateLimiterOptions.LeaseDuration"/>. Calls carry an operation id, so one retried after a lost answer
/// is applied once. Thread-safe; dispose it (the container does) to stop the renewals.
/// </para>
/// </remarks>
public sealed partial class KimiClusterRateLimiter : KimiRateLimiter, IDisposable
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(10);

    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly TimeSpan _leaseDuration;
    private readonly TimeSpan _maxPause;
    private readonly TimeSpan _queueTimeout;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<Guid, ClusterRateLimitLease> _held = new();
    private readonly ITimer _renewals;
    private int _renewing;
    private int _disposed;

    /// <summary>Creates the limiter over a silo's (or a cluster client's) grain factory.</summary>
    /// <param name="grainFactory">The cluster's grain factory.</param>
    /// <param name="options">The lease and polling settings; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">Where to log renewals and releases that could not reach the cluster; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="grainFactory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are not valid; the message says which and why.</exception>
    public KimiClusterRateLimiter(IGrainFactory grainFactory, KimiClusterRateLimiterOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        options ??= new KimiClusterRateLimiterOptions();
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        }

        _grains = grainFactory;
        _time = options.TimeProvider;
        _leaseDuration = options.LeaseDuration;
        _maxPause = options.MaxPollInterval;
        _queueTimeout = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(3).Ticks, options.MaxPollInterval.Ticks * 8));
        _logger = loggerFactory?.CreateLogger<KimiClusterRateLimiter>() ?? NullLogger<KimiClusterRateLimiter>.Instance;
        var period = options.LeaseDuration / 3;
        _renewals = _time.CreateTimer(static state => ((KimiClusterRateLimiter)state!).RenewHeld(), this, period, period);
    }

    /// <inheritdoc/>
    /// <exception cref="ObjectDisposedException">The limiter was disposed.</exception>
    public override async ValueTask<KimiRateLimitLease> AcquireAsync(KimiRateLimitPartition partition, int estimatedTokens, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partition);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var started = _time.GetTimestamp();
        var grain = _grains.GetGrain<IKimiRateLimitGrain>(partition.Key);
        var limits = RateLimitsData.From(partition);
        var operation = Guid.NewGuid();
        var pause = FirstPause;
        while (true)
        {
            var left = maxWait - _time.GetElapsedTime(started);
            left = left < TimeSpan.Zero ? TimeSpan.Zero : left;
            var request = new RateLimitRequest { Limits = limits, EstimatedTokens = estimatedTokens, MaxWait = left, LeaseDuration = _leaseDuration, QueueTimeout = _queueTimeout };
            RateLimitAnswer answer;
            try
            {
                // A lost silo (this grain's, or the way to it) is retried within the time the call may wait.
                answer = await GrainRetry.RunAsync(() => grain.AcquireAsync(operation, request), left, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Abandon(grain, operation);
                throw;
            }

            switch (answer.Kind)
            {
                case RateLimitAnswerKind.Refused:
                    return KimiRateLimitLease.Refused(answer.Wait);

                case RateLimitAnswerKind.Granted:
                    var lease = new ClusterRateLimitLease(this, grain, partition.Key, operation, limits);
                    _held[operation] = lease;
                    if (answer.Wait > TimeSpan.Zero)
                    {
                        try
                        {
                            await Task.Delay(answer.Wait, _time, cancellationToken).ConfigureAwait(false); // the budgets went into debt: wait it out here
                        }
                        catch (OperationCanceledException)
                        {
                            lease.Unsend();
                            throw;
                        }
                    }

                    return lease;

                default:
                    if (left <= TimeSpan.Zero)
                    {
                        Abandon(grain, operation);
                        return KimiRateLimitLease.Refused(maxWait); // every slot stayed taken for as long as the call could wait
                    }

                    try
                    {
                        await Task.Delay(pause < left ? pause : left, _time, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        Abandon(grain, operation);
                        throw;
                    }

                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, _maxPause.Ticks));
                    break;
            }
        }
    }

    /// <summary>Stops renewing the leases still held (they expire in the grain within a lease duration).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _renewals.Dispose();
        }
    }

    /// <summary>Ends a lease in the grain, in the background: the call's answer does not wait for it, and if it is lost the lease expires.</summary>
    internal void Release(ClusterRateLimitLease lease, int? actualTokens, bool unsent)
    {
        _held.TryRemove(lease.Operation, out _);
        _ = ReleaseAsync(lease, actualTokens, unsent);
    }

    private async Task ReleaseAsync(ClusterRateLimitLease lease, int? actualTokens, bool unsent)
    {
        try
        {
            await GrainRetry.RunAsync(() => lease.Grain.ReleaseAsync(lease.Operation, actualTokens, unsent), _leaseDuration, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogReleaseFailed(_logger, lease.Key, ex);
        }
    }

    private void Abandon(IKimiRateLimitGrain grain, Guid operation) => _ = AbandonAsync(grain, operation);

    private async Task AbandonAsync(IKimiRateLimitGrain grain, Guid operation)
    {
        try
        {
            await GrainRetry.RunAsync(() => grain.AbandonAsync(operation), _leaseDuration, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogReleaseFailed(_logger, grain.GetPrimaryKeyString(), ex); // its place in line lapses by itself
        }
    }

    private void RenewHeld()
    {
        if (_held.IsEmpty || Interlocked.Exchange(ref _renewing, 1) != 0)
        {
            return;
        }

        _ = RenewAsync();
    }

    private async Task RenewAsync()
    {
        try
        {
            var renewals = _held.Values.GroupBy(static lease => lease.Key, StringComparer.Ordinal).Select(group =>
            {
                var first = group.First();
                Guid[] operations = [.. group.Select(static lease => lease.Operation)];
                return RenewAsync(first, operations);
            });
            await Task.WhenAll(renewals).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _renewing, 0);
        }
    }

    private async Task RenewAsync(ClusterRateLimitLease first, Guid[] operations)
    {
        try
        {
            await GrainRetry.RunAsync(() => first.Grain.RenewAsync(operations, first.Limits, _leaseDuration), _leaseDuration / 3, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogRenewalFailed(_logger, operations.Length, first.Key, ex);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not renew {Count} rate-limit lease(s) of {Partition} in the cluster; they expire unless a later renewal gets through.")]
    private static partial void LogRenewalFailed(ILogger logger, int count, string partition, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Could not release a rate-limit lease of {Partition} in the cluster; it expires by itself.")]
    private static partial void LogReleaseFailed(ILogger logger, string partition, Exception exception);
}
