using Kimi.Client.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Kimi.Client.Orleans.Tests;

/// <summary>One silo whose rate-limit grains run on a clock the tests move by hand; each test uses grains of its own keys.</summary>
public sealed class RateLimitGrainFixture : IAsyncLifetime
{
    private ClusterWorld? _world;
    private SwarmTestCluster? _cluster;

    public FakeTimeProvider Clock { get; } = new();

    internal SwarmTestCluster Cluster => _cluster!;

    internal IKimiRateLimitGrain Grain(string key) => Cluster.Cluster.Client.GetGrain<IKimiRateLimitGrain>(key);

    /// <summary>The silo's own grain factory, for a limiter that calls from inside the cluster.</summary>
    internal IGrainFactory SiloGrains => Cluster.Silo(Cluster.Cluster.Silos[0].Name).ServiceProvider.GetRequiredService<IGrainFactory>();

    public async ValueTask InitializeAsync()
    {
        _world = new ClusterWorld(new EmulatorSwarmScript(1, _ => 1));
        _cluster = await SwarmTestCluster.StartAsync(_world, _ => { }, silos: 1,
            services: services => services.Configure<KimiClusterRateLimiterOptions>(options => options.TimeProvider = Clock));
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        if (_world is not null)
        {
            await _world.DisposeAsync();
        }
    }
}
