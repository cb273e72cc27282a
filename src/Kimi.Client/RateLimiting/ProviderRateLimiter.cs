using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Kimi.Client.Http;

namespace Kimi.Client.RateLimiting;

/// <summary>
/// The in-process <see cref="KimiRateLimiter"/>, the default: the client-side limits of one (host, base URL, API-key hash),
/// shared process-wide by every live client with that key — requests per minute, tokens per minute (reserved as an estimate,
/// settled with real usage) and concurrency.
/// </summary>
/// <remarks>
/// The registry holds its limiters weakly: a key's limiter lives as long as a client (or, under DI, the client's shared
/// settings) uses it, so a process that talks to many keys over time does not keep them all. The library's
/// <c>PartitionedRateLimiter</c> does not fit here: its permits cannot be reserved with a wait budget and settled
/// afterwards with the real token count. Each instance is bound to its key, so the partition a call names is not looked up.
/// </remarks>
internal sealed class ProviderRateLimiter : KimiRateLimiter
{
    private static readonly ConcurrentDictionary<string, WeakReference<ProviderRateLimiter>> Shared = new(StringComparer.Ordinal);
    private static int _addsSincePurge;

    private readonly TimeProvider _time;
    private readonly TokenBucketLimiter? _requests;
    private readonly TokenBucketLimiter? _tokens;
    private readonly ConcurrencyLimiter? _concurrency;

    private ProviderRateLimiter(KimiRateLimitPartition limits, TimeProvider time)
    {
        _time = time;
        _requests = limits.RequestsPerMinute is { } r ? new TokenBucketLimiter(r, time) : null;
        _tokens = limits.TokensPerMinute is { } t ? new TokenBucketLimiter(t, time) : null;
        _concurrency = limits.MaxConcurrentRequests is { } c
            ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = c, QueueLimit = int.MaxValue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst })
            : null;
    }

    /// <summary>Whether a live limiter exists for these settings' key (for tests of the registry's eviction).</summary>
    internal static bool IsLive(ClientSettings settings) => Shared.TryGetValue(Key(settings), out var reference) && reference.TryGetTarget(out _);

    private static string Key(ClientSettings settings) => $"{settings.Profile.Name}|{settings.Endpoint.AbsoluteUri.TrimEnd('/')}|{KeyHash(settings.ApiKey)}";

    /// <summary>The limiter for these settings, or <see langword="null"/> when rate limiting is off.</summary>
    public static ProviderRateLimiter? For(ClientSettings settings)
    {
        if (settings.RateLimitPartition is not { } limits) // the resolved limits; null when rate limiting is off
        {
            return null;
        }

        var key = Key(settings);
        while (true)
        {
            if (Shared.TryGetValue(key, out var existing) && existing.TryGetTarget(out var live))
            {
                return live;
            }

            var created = new ProviderRateLimiter(limits, settings.Time);
            var reference = new WeakReference<ProviderRateLimiter>(created);
            if (existing is null ? Shared.TryAdd(key, reference) : Shared.TryUpdate(key, reference, existing))
            {
                PurgeNowAndThen();
                return created;
            }
        }
    }

    // Dead entries are dropped every so often, so the dictionary does not grow with every key ever seen.
    private static void PurgeNowAndThen()
    {
        if (Interlocked.Increment(ref _addsSincePurge) % 64 != 0)
        {
            return;
        }

        foreach (var pair in Shared)
        {
            if (!pair.Value.TryGetTarget(out _))
            {
                Shared.TryRemove(pair);
            }
        }
    }

    /// <summary>Waits for a slot and the budget for <paramref name="estimatedTokens"/>, at most <paramref name="maxWait"/>.</summary>
    /// <returns>The lease, or a refusal with the wait it would have taken when that is beyond <paramref name="maxWait"/>.</returns>
    public override async ValueTask<KimiRateLimitLease> AcquireAsync(KimiRateLimitPartition partition, int estimatedTokens, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        RateLimitLease? slot = null;
        if (_concurrency is not null)
        {
            slot = _concurrency.AttemptAcquire(1);
            if (!slot.IsAcquired)
            {
                slot.Dispose();
                using var deadline = new CancellationTokenSource(maxWait < TimeSpan.Zero ? TimeSpan.Zero : maxWait, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
                try
                {
                    slot = await _concurrency.AcquireAsync(1, linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    return KimiRateLimitLease.Refused(maxWait); // every slot stayed taken for as long as the budget allowed
                }
            }
        }

        var left = maxWait - _time.GetElapsedTime(started);
        TimeSpan requestWait = TimeSpan.Zero, tokenWait = TimeSpan.Zero;
        if (_requests is not null && !_requests.TryReserve(1, left, out requestWait))
        {
            slot?.Dispose();
            return KimiRateLimitLease.Refused(requestWait);
        }

        if (_tokens is not null && !_tokens.TryReserve(estimatedTokens, left, out tokenWait))
        {
            _requests?.Refund(1);
            slot?.Dispose();
            return KimiRateLimitLease.Refused(tokenWait);
        }

        var lease = new ProviderRateLimitLease(_tokens, _tokens is null ? 0 : Math.Min(estimatedTokens, _tokens.Capacity), slot);
        var wait = requestWait > tokenWait ? requestWait : tokenWait;
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _requests?.Refund(1);
                lease.Settle(0);
                lease.Dispose();
                throw;
            }
        }

        return lease;
    }

    /// <summary>Prompt characters / 4 plus the output cap: deliberately high, settled with the real usage afterwards.</summary>
    public static int EstimateTokens(ChatRequest request)
    {
        long characters = 0;
        foreach (var message in request.Messages)
        {
            characters += message.Text.Length + (message.Reasoning?.Length ?? 0);
            if (message.HasToolCalls)
            {
                foreach (var call in message.ToolCalls)
                {
                    characters += call.Name.Length + call.Arguments.Length;
                }
            }
        }

        var output = request.MaxOutputTokens ?? 4096;
        return (int)Math.Min(int.MaxValue, (characters / 4) + output);
    }

    /// <summary>A truncated SHA-256 of the key (never the key itself), or <c>-</c> without one.</summary>
    internal static string KeyHash(string? apiKey)
    {
        if (apiKey is null)
        {
            return "-";
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(apiKey), hash);
        return Convert.ToHexString(hash[..12]);
    }
}
