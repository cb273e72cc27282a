using System.Threading.RateLimiting;

namespace Kimi.Client.RateLimiting;

/// <summary>
/// What one call holds from a <see cref="ProviderRateLimiter"/>: a concurrency slot and a token reservation, released when the
/// response is read (or the stream's enumerator disposed) and settled with the real usage.
/// </summary>
internal sealed class ProviderRateLimitLease(TokenBucketLimiter? tokens, int reserved, RateLimitLease? slot) : KimiRateLimitLease
{
    private RateLimitLease? _slot = slot;

    public override bool IsAcquired => true;

    /// <summary>Gives back what the estimate over-reserved (or takes what it under-reserved).</summary>
    protected override void SettleCore(int actualTokens) => tokens?.Refund(reserved - (double)actualTokens);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Interlocked.Exchange(ref _slot, null)?.Dispose();
        }

        base.Dispose(disposing);
    }
}
