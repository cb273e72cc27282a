using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Orleans;

/// <summary>Makes the client-side rate limits of a silo's Kimi clients one limit for the whole cluster.</summary>
public static class KimiClusterRateLimiterSiloBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="KimiClusterRateLimiter"/> and makes it the <see cref="KimiRateLimitOptions.Limiter"/> of every
    /// <see cref="KimiClient"/> registered in the silo's services (<c>AddKimiClient</c>, keyed ones and failover targets
    /// included) whose rate limits are set and that names no limiter of its own. Configure every silo alike. For a client you
    /// build yourself, set <c>RateLimit.Limiter = services.GetRequiredService&lt;KimiClusterRateLimiter&gt;()</c>.
    /// </summary>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the lease and polling settings; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks><see cref="KimiSwarmSiloBuilderExtensions.AddKimiSwarm"/> does this already unless <see cref="KimiClusterSwarmOptions.ShareRateLimits"/> is off.</remarks>
    public static ISiloBuilder AddKimiClusterRateLimiter(this ISiloBuilder builder, Action<KimiClusterRateLimiterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddLimiter(builder.Services, configure);
        builder.Services.AddSingleton<IPostConfigureOptions<KimiClientOptions>>(static services => new ClusterRateLimitConfigurer(services, static _ => true));
        return builder;
    }

    /// <summary>The limiter and its options, once.</summary>
    internal static void AddLimiter(IServiceCollection services, Action<KimiClusterRateLimiterOptions>? configure)
    {
        var options = services.AddOptions<KimiClusterRateLimiterOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(static services => new KimiClusterRateLimiter(
            services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<IOptions<KimiClusterRateLimiterOptions>>().Value,
            services.GetService<ILoggerFactory>()));
    }
}
