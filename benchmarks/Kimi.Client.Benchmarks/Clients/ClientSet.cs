namespace Kimi.Client.Benchmarks.Clients;

/// <summary>The four clients of one run, each on its own HttpClient and handler.</summary>
public sealed class ClientSet : IDisposable
{
    public ClientSet()
    {
        Floor = new FloorBenchClient();
        Kimi = new KimiBenchClient();
        OpenAI = new OpenAIBenchClient();
        Meai = new MeaiBenchClient();
    }

    public FloorBenchClient Floor { get; }

    public KimiBenchClient Kimi { get; }

    public OpenAIBenchClient OpenAI { get; }

    public MeaiBenchClient Meai { get; }

    public IReadOnlyList<BenchClient> All => [Floor, Kimi, OpenAI, Meai];

    public void Dispose()
    {
        foreach (var client in All)
        {
            client.Dispose();
        }
    }
}
