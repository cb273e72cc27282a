namespace Kimi.Client.Orleans;

/// <summary>
/// How <see cref="KimiClusterRateLimiter"/> holds the cluster's concurrency slots and waits for them. Configure every silo
/// alike (<see cref="KimiClusterRateLimiterSiloBuilderExtensions.AddKimiClusterRateLimiter"/>).
/// </summary>
public sealed class KimiClusterRateLimiterOptions
{
    /// <summary>
    /// How long a concurrency slot stays held without a renewal. The silo holding it renews it every third of this while its
    /// call runs, so a silo that dies frees its slots after at most this long. Default: 30 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest pause between two asks while a call waits for a free slot (the pauses start at 10 ms and double up to this).
    /// Shorter sends a freed slot on sooner; longer asks the grain less often. Default: 250 milliseconds.
    /// </summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The clock of the per-minute budgets (in the grain), of the leases and of the waits. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Every problem with these options, worded for the reader.</summary>
    internal IEnumerable<string> Validate()
    {
        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            yield return $"KimiClusterRateLimiterOptions.LeaseDuration must be at least 1 second (a third of it is the renewal period); got {LeaseDuration}.";
        }

        if (MaxPollInterval <= TimeSpan.Zero || MaxPollInterval >= LeaseDuration)
        {
            yield return $"KimiClusterRateLimiterOptions.MaxPollInterval must be positive and shorter than LeaseDuration ({LeaseDuration}); got {MaxPollInterval}.";
        }

        if (TimeProvider is null)
        {
            yield return "KimiClusterRateLimiterOptions.TimeProvider is null: leave it at TimeProvider.System or set a clock.";
        }
    }
}
