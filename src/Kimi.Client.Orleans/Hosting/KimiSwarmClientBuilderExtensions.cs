using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Kimi.Client.Orleans;

/// <summary>Starts Kimi agent swarms on a cluster from an Orleans client.</summary>
public static class KimiSwarmClientBuilderExtensions
{
    /// <summary>Registers <see cref="KimiClusterSwarm"/>, which runs swarms on the cluster's silos (hosted with <see cref="KimiSwarmSiloBuilderExtensions.AddKimiSwarm"/>).</summary>
    /// <param name="builder">The client builder.</param>
    /// <returns>The builder.</returns>
    public static IClientBuilder AddKimiSwarmClient(this IClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<KimiClusterSwarm>();
        return builder;
    }
}
