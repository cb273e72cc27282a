namespace Kimi.Client;

/// <summary>
/// Keeps the client-side rate limits (<see cref="KimiClientOptions.RateLimit"/>). The client asks it before every call to a
/// host whose limits are set: it grants a lease — a concurrency slot, a request and an estimate of the tokens, within the
/// per-minute budgets — or says how long the call would have to wait.
/// </summary>
/// <remarks>
/// <para>
/// The default keeps the limits in this process, shared by every client with the same host, base URL and key. Set
/// <see cref="KimiRateLimitOptions.Limiter"/> to keep them elsewhere, for example one limit for a whole cluster
/// (<c>Kimi.Client.Orleans</c>'s <c>KimiClusterRateLimiter</c>).
/// </para>
/// <para>
/// One limiter may serve many partitions: each call names its partition, which carries the limits. Calls arrive
/// concurrently, so an implementation must be thread-safe.
/// </para>
/// </remarks>
public abstract class KimiRateLimiter
{
    /// <summary>Initializes the limiter.</summary>
    protected KimiRateLimiter()
    {
    }

    /// <summary>
    /// Waits, for at most <paramref name="maxWait"/>, until one call of about <paramref name="estimatedTokens"/> tokens may be
    /// sent within <paramref name="partition"/>'s limits, and reserves what it takes.
    /// </summary>
    /// <param name="partition">The host, base URL and key hash, with their limits.</param>
    /// <param name="estimatedTokens">
    /// The call's tokens as estimated before sending (prompt characters / 4 plus the output cap), to reserve now; the lease is
    /// settled with the real usage later.
    /// </param>
    /// <param name="maxWait">How long the call may wait: what is left of <see cref="KimiResilienceOptions.TotalTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>
    /// An acquired lease, held until the response has been read; or, when the wait would be longer than
    /// <paramref name="maxWait"/>, a refused one (<see cref="KimiRateLimitLease.Refused"/>) with the wait it would need — the
    /// call is then not sent and fails with <see cref="KimiClientRateLimitException"/> (or fails over to the next host).
    /// Answer a refusal as soon as it is known rather than after waiting <paramref name="maxWait"/> out.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; nothing stays held.</exception>
    /// <remarks>Any other exception ends the call with that exception; nothing is sent.</remarks>
    public abstract ValueTask<KimiRateLimitLease> AcquireAsync(
        KimiRateLimitPartition partition, int estimatedTokens, TimeSpan maxWait, CancellationToken cancellationToken = default);
}
