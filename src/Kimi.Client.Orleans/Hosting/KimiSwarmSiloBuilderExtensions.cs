using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Kimi.Client.Orleans;

/// <summary>Hosts a Kimi agent swarm's grains in a silo.</summary>
public static class KimiSwarmSiloBuilderExtensions
{
    /// <summary>
    /// The name of the grain storage the swarm's grains keep their state in (checkpoints, the budget's ledger, results).
    /// Register it on every silo, for example <c>AddRedisGrainStorage("KimiSwarm", …)</c>; it must outlive any one silo for a
    /// run to survive a silo's loss (memory storage does not).
    /// </summary>
    public const string StorageName = "KimiSwarm";

    /// <summary>
    /// Hosts the swarm's grains in this silo — the orchestrator, the sub-agents, the shared budget, the shared rate limits —
    /// and registers <see cref="KimiClusterSwarm"/> to start runs from the silo's services. Configure every silo alike.
    /// </summary>
    /// <remarks>
    /// The rate limits of the silo's registered clients become one limit for the cluster (<see cref="KimiClusterSwarmOptions.ShareRateLimits"/>,
    /// on by default); set <see cref="KimiClusterRateLimiterOptions"/> with <c>services.Configure&lt;KimiClusterRateLimiterOptions&gt;(…)</c>.
    /// </remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="configure">Sets the client, the tools and the swarm's options.</param>
    /// <returns>The builder.</returns>
    public static ISiloBuilder AddKimiSwarm(this ISiloBuilder builder, Action<KimiClusterSwarmOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<KimiClusterSwarmOptions>().Configure(configure).Validate(
            options => options.Swarm is not null && options.SiloLossTimeout > TimeSpan.Zero && options.MaxLoggedEvents > 0,
            "KimiClusterSwarmOptions.Swarm must be set, and SiloLossTimeout and MaxLoggedEvents positive.");
        builder.Services.TryAddSingleton<SwarmSiloServices>();
        KimiClusterRateLimiterSiloBuilderExtensions.AddLimiter(builder.Services, configure: null);
        builder.Services.AddSingleton<IPostConfigureOptions<KimiClientOptions>>(static services => new ClusterRateLimitConfigurer(
            services, static services => services.GetRequiredService<IOptions<KimiClusterSwarmOptions>>().Value.ShareRateLimits));
        builder.Services.TryAddSingleton<KimiClusterSwarm>();
        return builder;
    }
}
