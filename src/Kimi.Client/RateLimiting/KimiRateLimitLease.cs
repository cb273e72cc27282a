using System.Threading.RateLimiting;

namespace Kimi.Client.RateLimiting;

/// <summary>
/// What one call holds from its <see cref="ProviderRateLimiter"/>: a concurrency slot and a token reservation, released
/// when the response is read (or the stream's enumerator disposed) and settled with the real usage.
/// </summary>
internal sealed class KimiRateLimitLease : IDisposable
{
    private readonly TokenBucketLimiter? _tokens;
    private readonly int _reserved;
    private RateLimitLease? _slot;
    private int _settled;

    public KimiRateLimitLease(TokenBucketLimiter? tokens, int reserved, RateLimitLease? slot)
    {
        _tokens = tokens;
        _reserved = reserved;
        _slot = slot;
    }

    /// <summary>Gives back what the estimate over-reserved (or takes what it under-reserved). Only the first call counts.</summary>
    /// <param name="actualTokens">The tokens the call really used.</param>
    public void Settle(int actualTokens)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            _tokens?.Refund(_reserved - (double)actualTokens);
        }
    }

    /// <summary>Settles with the usage if known (else the estimate stands) and frees the concurrency slot.</summary>
    /// <param name="usage">The call's usage, if it arrived.</param>
    public void Release(TokenUsage? usage)
    {
        if (usage is not null)
        {
            Settle(usage.TotalTokens);
        }

        Dispose();
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _slot, null)?.Dispose();
    }
}
