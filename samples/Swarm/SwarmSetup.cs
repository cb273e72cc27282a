using System.ComponentModel;
using Kimi.Client;
using Kimi.Client.Agents;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

/// <summary>
/// The swarm both modes run: a client for the real model when MOONSHOT_API_KEY is set, else the emulator on loopback Kestrel
/// playing an orchestrator that delegates N sub-tasks to sub-agents that call tools 12 or 13 times each.
/// </summary>
internal sealed class SwarmSetup : IAsyncDisposable
{
    private SwarmSetup(KimiClient client, KimiEmulator? emulator, EmulatorSwarmScript? script)
    {
        Client = client;
        Emulator = emulator;
        Script = script;
    }

    public KimiClient Client { get; }

    public KimiEmulator? Emulator { get; }

    /// <summary>The scripted model offline (its usage sums are the emulator's), or <see langword="null"/> live.</summary>
    public EmulatorSwarmScript? Script { get; }

    public static bool IsLive => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("MOONSHOT_API_KEY"));

    /// <param name="subTasks">How many sub-tasks the scripted orchestrator delegates (offline only).</param>
    /// <param name="chunkDelay">Pause between streamed chunks offline, so a page can watch the swarm work.</param>
    public static async Task<SwarmSetup> CreateAsync(int subTasks, TimeSpan chunkDelay)
    {
        if (IsLive)
        {
            return new SwarmSetup(new KimiClient(new KimiClientOptions { Provider = KimiProvider.Moonshot }), null, null);
        }

        // 98 of every 300 sub-tasks make 13 tool calls and the rest 12: with the orchestrator's two calls, 300 sub-tasks are 4,000 steps.
        var script = new EmulatorSwarmScript(subTasks, task => task % 300 is > 0 and <= 98 ? 13 : 12) { SubTaskTools = ["search_code", "read_file"] };
        var emulator = new KimiEmulator(new KimiEmulatorOptions { ChunkDelay = chunkDelay, MaxRecordedRequests = 0 }) { Responder = script.Reply };
        var endpoint = await emulator.StartAsync();
        var client = new KimiClient(new KimiClientOptions { Provider = KimiProvider.Moonshot, Endpoint = endpoint, ApiKey = "emulator-key" });
        return new SwarmSetup(client, emulator, script);
    }

    /// <summary>Two toy tools: enough for the real model to have something to call, canned so the sample runs anywhere.</summary>
    public static AIFunction[] Tools() =>
    [
        AIFunctionFactory.Create(([Description("What to look for.")] string query) => $"3 matches for '{query}' in src/Parser/*.cs; none look wrong.", "search_code", "Searches the code base."),
        AIFunctionFactory.Create(([Description("A path, or a query naming the file.")] string query) => $"// {query}\nThe parser reads each chunk once.", "read_file", "Reads a file."),
    ];

    public KimiSwarm CreateSwarm(int maxSteps) => new(Client, Tools(), new KimiSwarmOptions { MaxSteps = maxSteps });

    public static KimiMessage[] Task(int subTasks) =>
    [
        KimiMessage.System("You orchestrate a swarm. Split the work into independent sub-tasks and hand them out with delegate_tasks; then report."),
        KimiMessage.User($"Review the parser in {subTasks} parts, one sub-task per part, and tell me which parts need work."),
    ];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Emulator is not null)
        {
            await Emulator.DisposeAsync();
        }
    }
}
