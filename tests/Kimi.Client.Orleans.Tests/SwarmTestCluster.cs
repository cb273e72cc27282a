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
    private SwarmTestCluster(ClusterWorld world, InProcessTestCluster cluster)
    {
        World = world;
        Cluster = cluster;
        Swarm = new KimiClusterSwarm(cluster.Client, TimeSpan.FromSeconds(60));
    }

    public ClusterWorld World { get; }

    public InProcessTestCluster Cluster { get; }

    public KimiClusterSwarm Swarm { get; }

    public static async Task<SwarmTestCluster> StartAsync(ClusterWorld world, Action<KimiSwarmOptions> configure, int silos = 3)
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
            silo.AddKimiSwarm(swarm =>
            {
                swarm.Client = _ => new KimiClient(
                    new HttpClient(new SiloHttpHandler(world, name)),
                    new KimiClientOptions { Provider = KimiProvider.Moonshot, Endpoint = world.Emulator.BaseAddress, ApiKey = "sk-orleans-test-key" });
                swarm.Tools = _ => world.Tools(name);
                swarm.SiloLossTimeout = TimeSpan.FromSeconds(60);
                swarm.Swarm.SubAgents.InterruptedToolCallHandler = world.InterruptedToolCall;
                configure(swarm.Swarm);
            });
        });
        builder.ConfigureClient(client => client.AddKimiSwarmClient());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new SwarmTestCluster(world, cluster);
    }

    /// <summary>The silo's name, for silos still running.</summary>
    public InProcessSiloHandle Silo(string name) => Cluster.Silos.Single(s => s.Name == name);

    /// <summary>Kills a silo as a crash would: its process does nothing more (no model call, tool or write), then the host stops without a goodbye.</summary>
    public async Task KillAsync(string name)
    {
        World.Kill(name);
        await Cluster.KillSiloAsync(Silo(name));
    }

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
