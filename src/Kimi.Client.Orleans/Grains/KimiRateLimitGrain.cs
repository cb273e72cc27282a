using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace Kimi.Client.Orleans;

/// <summary>
/// One partition's rate limits for the whole cluster: a request and a token bucket (reserved ahead, settled with the real
/// usage) and the concurrency slots, held as leases that expire unless renewed — so a silo that dies holds no slot for longer
/// than a lease. A caller that must wait for a slot is queued and asks again; a slot that frees goes to the callers in the
/// order they came. Not reentrant: calls are applied one at a time, and each is short.
/// </summary>
/// <remarks>
/// The state is kept in memory, not in storage: if this grain's silo dies, a new activation starts with full buckets, and the
/// slots of calls still in flight come back with their holders' next renewal (within a third of a lease).
/// </remarks>
internal sealed class KimiRateLimitGrain(IOptions<KimiClusterRateLimiterOptions> options, ILocalSiloDetails silo) : Grain, IKimiRateLimitGrain
{
    private readonly TimeProvider _time = options.Value.TimeProvider;
    private readonly long _origin = options.Value.TimeProvider.GetTimestamp();
    private readonly Dictionary<Guid, Held> _leases = [];
    private readonly LinkedList<Waiter> _queue = new();
    private readonly Dictionary<Guid, LinkedListNode<Waiter>> _waiting = [];
    private readonly Dictionary<Guid, long> _released = [];
    private RateLimitsData? _limits;
    private RateBucket? _requests;
    private RateBucket? _tokens;
    private int _slotsInUse;
    private int _expired;
    private int _renewals;
    private long _nextSweep;
    private TimeSpan _forgetAfter = TimeSpan.FromMinutes(1);

    public Task<RateLimitAnswer> AcquireAsync(Guid operation, RateLimitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Adopt(request.Limits);
        var now = Now();
        Sweep(now, request.LeaseDuration);
        if (_leases.TryGetValue(operation, out var held))
        {
            return Task.FromResult(Granted(held.SendAt - now)); // the answer to this ask was lost: the same lease
        }

        var slot = false;
        if (_limits!.MaxConcurrentRequests is { } concurrency)
        {
            DropStaleWaiters(now);
            if (!_waiting.TryGetValue(operation, out var place))
            {
                place = _queue.AddLast(new Waiter(operation));
                _waiting[operation] = place;
            }

            place.Value.LastAsked = now;
            place.Value.Timeout = request.QueueTimeout;
            if (concurrency - _slotsInUse <= PositionOf(place))
            {
                return Task.FromResult(RateLimitAnswer.Queued);
            }

            Dequeue(operation);
            slot = true;
        }

        TimeSpan requestWait = TimeSpan.Zero, tokenWait = TimeSpan.Zero;
        if (_requests is not null && !_requests.TryReserve(1, request.MaxWait, out requestWait))
        {
            return Task.FromResult(Refused(requestWait));
        }

        var reserved = _tokens is null ? 0 : Math.Clamp(request.EstimatedTokens, 0, _tokens.Capacity);
        if (_tokens is not null && !_tokens.TryReserve(reserved, request.MaxWait, out tokenWait))
        {
            _requests?.Refund(1);
            return Task.FromResult(Refused(tokenWait));
        }

        var wait = requestWait > tokenWait ? requestWait : tokenWait;
        _leases[operation] = new Held
        {
            Reserved = reserved,
            HoldsSlot = slot,
            SendAt = now + Ticks(wait),
            ExpiresAt = now + Ticks(wait + request.LeaseDuration),
        };
        _slotsInUse += slot ? 1 : 0;
        return Task.FromResult(Granted(wait));
    }

    public Task RenewAsync(Guid[] operations, RateLimitsData limits, TimeSpan leaseDuration)
    {
        ArgumentNullException.ThrowIfNull(operations);
        Adopt(limits);
        _renewals++;
        var now = Now();
        Sweep(now, leaseDuration);
        foreach (var operation in operations)
        {
            if (_leases.TryGetValue(operation, out var held))
            {
                held.ExpiresAt = Math.Max(held.ExpiresAt, now + Ticks(leaseDuration));
            }
            else if (!_released.ContainsKey(operation))
            {
                // A call still in flight that this activation never saw (its silo died) or let expire: its slot is taken, whatever the limit.
                var slot = _limits!.MaxConcurrentRequests is not null;
                _leases[operation] = new Held { HoldsSlot = slot, SendAt = now, ExpiresAt = now + Ticks(leaseDuration) };
                _slotsInUse += slot ? 1 : 0;
            }
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(Guid operation, int? actualTokens, bool unsent)
    {
        var now = Now();
        _released[operation] = now;
        if (_leases.Remove(operation, out var held))
        {
            _slotsInUse -= held.HoldsSlot ? 1 : 0;
            if (actualTokens is { } actual)
            {
                _tokens?.Refund(held.Reserved - (double)actual);
            }

            if (unsent)
            {
                _requests?.Refund(1);
            }
        }

        return Task.CompletedTask;
    }

    public Task AbandonAsync(Guid operation)
    {
        Dequeue(operation);
        return _leases.ContainsKey(operation) ? ReleaseAsync(operation, 0, unsent: true) : Task.CompletedTask;
    }

    public Task<RateLimitStatusData> GetStatusAsync()
    {
        var now = Now();
        Sweep(now, null);
        DropStaleWaiters(now);
        return Task.FromResult(new RateLimitStatusData
        {
            Limits = _limits,
            SlotsInUse = _slotsInUse,
            Leases = _leases.Count,
            Queued = _queue.Count,
            AvailableRequests = _requests?.Available,
            AvailableTokens = _tokens?.Available,
            Silo = silo.Name,
            Expired = _expired,
            Renewals = _renewals,
        });
    }

    private static RateLimitAnswer Granted(long waitTicks) =>
        new() { Kind = RateLimitAnswerKind.Granted, Wait = waitTicks > 0 ? TimeSpan.FromTicks(waitTicks) : TimeSpan.Zero };

    private static RateLimitAnswer Granted(TimeSpan wait) => Granted(Ticks(wait));

    private static RateLimitAnswer Refused(TimeSpan wait) => new() { Kind = RateLimitAnswerKind.Refused, Wait = wait };

    // Times are kept as TimeSpan ticks since the activation started, on the grain's clock.
    private static long Ticks(TimeSpan span) => span.Ticks;

    private long Now() => _time.GetElapsedTime(_origin).Ticks;

    /// <summary>The first call of an activation fixes the limits (every silo is configured alike).</summary>
    private void Adopt(RateLimitsData? limits)
    {
        if (_limits is not null || limits is null)
        {
            return;
        }

        _limits = limits;
        _requests = limits.RequestsPerMinute is { } rpm ? new RateBucket(rpm, _time) : null;
        _tokens = limits.TokensPerMinute is { } tpm ? new RateBucket(tpm, _time) : null;
    }

    /// <summary>Now and then, frees the slots of leases nobody renewed and forgets old releases.</summary>
    private void Sweep(long now, TimeSpan? leaseDuration)
    {
        if (leaseDuration is { } duration)
        {
            _forgetAfter = duration * 2;
        }

        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + Ticks(TimeSpan.FromMilliseconds(250));
        List<Guid>? ended = null;
        foreach (var (operation, held) in _leases)
        {
            if (held.ExpiresAt <= now)
            {
                (ended ??= []).Add(operation);
            }
        }

        foreach (var operation in ended ?? [])
        {
            _slotsInUse -= _leases[operation].HoldsSlot ? 1 : 0;
            _leases.Remove(operation);
            _expired++;
        }

        var forgetBefore = now - Ticks(_forgetAfter);
        foreach (var (operation, at) in _released)
        {
            if (at < forgetBefore)
            {
                _released.Remove(operation);
            }
        }
    }

    private void DropStaleWaiters(long now)
    {
        for (var node = _queue.First; node is not null;)
        {
            var next = node.Next;
            if (now - node.Value.LastAsked > Ticks(node.Value.Timeout))
            {
                _queue.Remove(node);
                _waiting.Remove(node.Value.Operation);
            }

            node = next;
        }
    }

    private void Dequeue(Guid operation)
    {
        if (_waiting.Remove(operation, out var node))
        {
            _queue.Remove(node);
        }
    }

    private static int PositionOf(LinkedListNode<Waiter> place)
    {
        var position = 0;
        for (var node = place.Previous; node is not null; node = node.Previous)
        {
            position++;
        }

        return position;
    }

    private sealed class Held
    {
        public int Reserved { get; init; }

        public bool HoldsSlot { get; init; }

        public long SendAt { get; init; }

        public long ExpiresAt { get; set; }
    }

    private sealed class Waiter(Guid operation)
    {
        public Guid Operation { get; } = operation;

        public long LastAsked { get; set; }

        public TimeSpan Timeout { get; set; }
    }
}
