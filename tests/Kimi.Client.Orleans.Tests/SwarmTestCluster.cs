using Kimi.Client.Agents;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Kimi.Client.Orleans.Tests;

/// <summary>An in-process Orleans cluster whose silos host the swarm, against the emulator on loopback, with storage that outlives any silo.</summary>
internal sealed class SwarmTestCluster : IAsyncDisposable
{
    /// <summary>The key every silo's client sends unless a test gives a silo its own.</summary>
    public const string ApiKey = "sk-orleans-test-key";

    private SwarmTestCluster(ClusterWorld world, InProcessTestCluster cluster)
    {
        World = world;
        Cluster = cluster;
        Swarm = new KimiClusterSwarm(cluster.Client, TimeSpan.FromSeconds(60));
    }

    public ClusterWorld World { get; }

    public InProcessTestCluster Cluster { get; }

    public KimiClusterSwarm Swarm { get; }

    /// <summary>Starts the cluster; every silo's <see cref="KimiClient"/> is registered in its services (the swarm's default client).</summary>
    /// <param name="world">The emulator, storage and tools outside the silos.</param>
    /// <param name="configure">The swarm's options, on every silo.</param>
    /// <param name="silos">How many silos.</param>
    /// <param name="client">Changes a silo's client options (given the silo's name): rate limits, a key per silo.</param>
    /// <param name="swarmCluster">Changes the cluster swarm's options.</param>
    /// <param name="services">Adds to every silo's services.</param>
    public static async Task<SwarmTestCluster> StartAsync(
        ClusterWorld world, Action<KimiSwarmOptions> configure, int silos = 3, Action<string, KimiClientOptions>? client = null,
        Action<KimiClusterSwarmOptions>? swarmCluster = null, Action<IServiceCollection>? services = null)
    {
        await world.Emulator.StartAsync(TestContext.Current.CancellationToken);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false; // the test cluster would write a log file per silo into the working folder
        builder.ConfigureSilo((options, silo) =>
        {
            var name = options.SiloName;
            silo.Services.AddGrainStorage(KimiSwarmSiloBuilderExtensions.StorageName, (services, _) => new SharedGrainStorage(world, name, services.GetRequiredService<Serializer>()));

            // A killed silo is noticed within a couple of seconds (the defaults take tens).
            silo.Services.Configure<ClusterMembershipOptions>(membership =>
            {
                membership.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                membership.NumMissedProbesLimit = 2;
                membership.NumVotesForDeathDeclaration = 1;
                membership.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
            silo.Services.AddKimiClient(options =>
            {
                options.Provider = KimiProvider.Moonshot;
                options.Endpoint = world.Emulator.BaseAddress;
                options.ApiKey = ApiKey;
                client?.Invoke(name, options);
            }).ConfigurePrimaryHttpMessageHandler(() => new SiloHttpHandler(world, name));
            silo.AddKimiSwarm(swarm =>
            {
                swarm.Tools = _ => world.Tools(name);
                swarm.SiloLossTimeout = TimeSpan.FromSeconds(60);
                swarm.Swarm.SubAgents.InterruptedToolCallHandler = world.InterruptedToolCall;
                configure(swarm.Swarm);
                swarmCluster?.Invoke(swarm);
            });
            services?.Invoke(silo.Services);
        });
        builder.ConfigureClient(client => client.AddKimiSwarmClient());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SwarmTestCluster(world, cluster);
    }

    /// <summary>The silo's name, for silos still running.</summary>
    public InProcessSiloHandle Silo(string name) => Cluster.Silos.Single(s => s.Name == name);

    /// <summary>The <see cref="KimiClient"/> registered in a running silo's services: calls made with it go out from that silo.</summary>
    public KimiClient Client(string name) => Silo(name).ServiceProvider.GetRequiredService<KimiClient>();

    /// <summary>Kills a silo as a crash would: its process does nothing more (no model call, tool or write), then the host stops without a goodbye.</summary>
    public async Task KillAsync(string name)
    {
        World.Kill(name);
        await Cluster.KillSiloAsync(Silo(name));
    }

    /// <summary>Stops a silo gracefully, as a planned shutdown would: it deactivates its grains and leaves the cluster.</summary>
    public async Task StopAsync(string name) => await Cluster.StopSiloAsync(Silo(name));

    public async ValueTask DisposeAsync()
    {
        World.Gate.Abandon();
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
        }
    }
}
