namespace Kimi.Client;

/// <summary>
/// Retries, timeouts and failover, shaped for LLM calls: long thinking calls are not killed, a stream that has started
/// is never replayed, and every try — retries and failovers alike — comes out of one budget.
/// </summary>
/// <remarks>
/// Defaults: 3 attempts in all; exponential backoff from 1 s with jitter; <c>Retry-After</c> honoured up to 60 s;
/// 10 min for all attempts until a response starts; 10 min to response headers per non-streaming attempt (the whole
/// generation), 60 s per streaming attempt; 120 s to the first stream event; 90 s between events; 1 hour per stream;
/// a provider that failed over is skipped for 30 s.
/// </remarks>
public sealed class KimiResilienceOptions
{
    /// <summary>
    /// Whether the built-in retry policy runs (whichever <see cref="HttpClient"/> the client was given). Turn it off only when
    /// your own handler retries; failover and the stream time limits still apply. Default: <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Tries in all, the first included, across retries and failover. Default: 3. Set 1 to disable retries.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The first backoff delay; later ones grow exponentially, with jitter. Default: 1 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> worth waiting for; a longer one fails at once (or fails over). Default: 60 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>All attempts and waits, until a response starts. Default: 10 min.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Per non-streaming attempt: time to the whole response, which arrives only when generation is done, counted from the
    /// attempt's first wait for the server (an answer that is already there, such as an in-process handler's, is never
    /// timed). Default: 10 min.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Per streaming attempt: time to the response headers, counted from the attempt's first wait for the server. Default: 60 s.</summary>
    public TimeSpan StreamingResponseTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time from the response headers to the first stream event. Default: 120 s.</summary>
    public TimeSpan FirstChunkTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Longest silence between stream events (keep-alive comments count). Default: 90 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Limit on a whole stream, from headers to <c>[DONE]</c>: the bound for a server that keeps a stream alive with comments
    /// and never finishes. Default: 1 hour (a 256K-token answer at 70 tokens/s); <see langword="null"/> for none.
    /// </summary>
    public TimeSpan? StreamTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a provider that failed (429, 5xx, timeout, connection failure) is skipped by failover. Default: 30 s.</summary>
    public TimeSpan FailoverCooldown { get; set; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> Validate()
    {
        if (MaxAttempts < 1)
        {
            yield return $"Kimi:Resilience:MaxAttempts must be at least 1; got {MaxAttempts}.";
        }

        foreach (var (name, value) in new (string, TimeSpan)[]
        {
            (nameof(BaseDelay), BaseDelay), (nameof(MaxRetryAfter), MaxRetryAfter), (nameof(TotalTimeout), TotalTimeout),
            (nameof(ResponseTimeout), ResponseTimeout), (nameof(StreamingResponseTimeout), StreamingResponseTimeout),
            (nameof(FirstChunkTimeout), FirstChunkTimeout), (nameof(IdleTimeout), IdleTimeout), (nameof(FailoverCooldown), FailoverCooldown),
        })
        {
            if (value < TimeSpan.Zero || (value == TimeSpan.Zero && name is not (nameof(BaseDelay) or nameof(FailoverCooldown) or nameof(MaxRetryAfter))))
            {
                yield return $"Kimi:Resilience:{name} must be positive; got {value}.";
            }
            else if (value > MaxTimeout)
            {
                yield return TooLong(name, value);
            }
        }

        if (StreamTimeout is { } total && total <= TimeSpan.Zero)
        {
            yield return $"Kimi:Resilience:StreamTimeout must be positive when set; got {total}.";
        }
        else if (StreamTimeout > MaxTimeout)
        {
            yield return TooLong(nameof(StreamTimeout), StreamTimeout.Value);
        }
    }

    // Timers cannot run past ~49.7 days, and nothing in a chat call should wait a day: a larger value is a typo.
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    private static string TooLong(string name, TimeSpan value) =>
        $"Kimi:Resilience:{name} is {value} ({value.TotalDays:0.##} days), over the 1-day maximum. In configuration a bare number is days: " +
        "write 00:01:30 for 90 seconds.";

    internal KimiResilienceOptions Clone() => (KimiResilienceOptions)MemberwiseClone();
}
