using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Orleans;

/// <summary>
/// Gives every <see cref="KimiClientOptions"/> in the silo's services (of every name) whose rate limits are set, and that
/// name no limiter of their own, the cluster's limiter — when <paramref name="applies"/> says so.
/// </summary>
internal sealed class ClusterRateLimitConfigurer(IServiceProvider services, Func<IServiceProvider, bool> applies) : IPostConfigureOptions<KimiClientOptions>
{
    public void PostConfigure(string? name, KimiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!applies(services))
        {
            return;
        }

        Share(options.RateLimit);
        foreach (var target in options.Failover)
        {
            Share(target?.RateLimit);
        }
    }

    private void Share(KimiRateLimitOptions? limits)
    {
        // A limiter with no limit set would never be asked (and validation says so): only limited clients get one.
        if (limits is { Limiter: null } && (!string.IsNullOrWhiteSpace(limits.Tier) || limits.RequestsPerMinute is not null
            || limits.TokensPerMinute is not null || limits.MaxConcurrentRequests is not null))
        {
            limits.Limiter = services.GetRequiredService<KimiClusterRateLimiter>();
        }
    }
}
