// Swarm: an orchestrator hands sub-tasks to up to 300 sub-agents that run at once under one budget (4,000 steps).
//   dotnet run --project samples/Swarm                  the terminal: live progress, then the sums
//   dotnet run --project samples/Swarm -- --web         a page that draws the swarm live (open the URL it prints)
//   dotnet run --project samples/Swarm -- --subtasks 50 fewer sub-agents
// With no MOONSHOT_API_KEY it runs offline: the emulator on loopback plays the orchestrator and the sub-agents.
using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Kimi.Client.Agents;

var subTasks = int.TryParse(ArgAfter("--subtasks"), CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 300;
if (args.Contains("--web"))
{
    var app = await Program.CreateAppAsync(args);
    await app.RunAsync();
    return 0;
}

return await Program.RunInTerminalAsync(subTasks);

string? ArgAfter(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

/// <summary>The terminal run, and the web app built by <see cref="CreateAppAsync"/> so a test can start it on a loopback port.</summary>
public partial class Program
{
    private const int MaxSteps = 4_000;

    /// <summary>Runs the swarm in the terminal with a progress line, then prints the sums (and, offline, checks them against the emulator's).</summary>
    /// <param name="subTasks">Sub-tasks to delegate (offline).</param>
    /// <returns>The exit code: 0 when the swarm completed (and, offline, the sums match).</returns>
    public static async Task<int> RunInTerminalAsync(int subTasks)
    {
        if (!SwarmSetup.IsLive)
        {
            Console.Error.WriteLine($"No MOONSHOT_API_KEY set: running offline; the emulator plays an orchestrator and {subTasks} sub-agents.");
        }

        await using var setup = await SwarmSetup.CreateAsync(subTasks, TimeSpan.Zero);
        var swarm = setup.CreateSwarm(MaxSteps);
        var tree = new KimiSwarmTree();
        var redirected = Console.IsOutputRedirected;
        var clock = Stopwatch.StartNew();
        var lastDraw = TimeSpan.Zero;
        KimiSwarmRunResult? result = null;
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); }; // Ctrl+C stops every sub-agent cleanly

        await foreach (var item in swarm.RunStreamingAsync(SwarmSetup.Task(subTasks), cancel.Token))
        {
            tree.Apply(item);
            if (item is KimiSwarmRunCompleted end)
            {
                result = end.Result;
            }

            if (clock.Elapsed - lastDraw > TimeSpan.FromMilliseconds(redirected ? 2_000 : 200))
            {
                lastDraw = clock.Elapsed;
                Draw(tree, clock.Elapsed, redirected);
            }
        }

        Draw(tree, clock.Elapsed, redirected);
        Console.WriteLine();
        Console.WriteLine(result!.Text);
        Console.WriteLine($"{result.StopReason}: {result.SubAgents.Count(s => s.Completed)} of {result.SubAgents.Count} sub-agents completed; {result.Steps:N0} steps; {result.Usage}; ${result.CostUsd:0.0000} in {clock.Elapsed.TotalSeconds:F1} s");
        foreach (var failed in result.SubAgents.Where(s => !s.Completed).Take(5))
        {
            Console.WriteLine($"  {failed.Task.Name}: {failed.Error}");
        }

        if (setup.Script is { } script)
        {
            var equal = script.Usage.InputTokens == result.Usage.InputTokens && script.Usage.OutputTokens == result.Usage.OutputTokens
                && script.Usage.CachedInputTokens == result.Usage.CachedInputTokens && script.Requests == result.Steps;
            Console.WriteLine($"The emulator answered {script.Requests:N0} requests and reported {script.Usage}: {(equal ? "the swarm's sums are equal" : "MISMATCH")}.");
            return equal && result.StopReason == KimiAgentStopReason.Completed ? 0 : 1;
        }

        return result.StopReason == KimiAgentStopReason.Completed ? 0 : 1;
    }

    /// <summary>Builds the web app: the page at <c>/</c>, and the swarm's live tree over SSE at <c>/swarm?subtasks=N</c>.</summary>
    /// <param name="args">Command-line arguments (for example <c>--urls http://127.0.0.1:0</c>).</param>
    /// <returns>The app, not yet started.</returns>
    public static Task<WebApplication> CreateAppAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(SwarmPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/swarm", (int? subtasks, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(StreamAsync(Math.Clamp(subtasks ?? 300, 1, 300), cancellationToken)));
        return Task.FromResult(app);
    }

    /// <summary>Runs one swarm for the page: a <c>snapshot</c> event at most every 150 ms while it runs, then <c>done</c> with the sums.</summary>
    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(int subTasks, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Offline, a short pause per streamed chunk lets the page show sub-agents thinking.
        await using var setup = await SwarmSetup.CreateAsync(subTasks, TimeSpan.FromMilliseconds(2));
        var tree = new KimiSwarmTree();
        var clock = Stopwatch.StartNew();
        var last = TimeSpan.Zero;
        KimiSwarmRunResult? result = null;
        await foreach (var item in setup.CreateSwarm(MaxSteps).RunStreamingAsync(SwarmSetup.Task(subTasks), cancellationToken))
        {
            tree.Apply(item);
            if (item is KimiSwarmRunCompleted end)
            {
                result = end.Result;
            }
            else if (clock.Elapsed - last > TimeSpan.FromMilliseconds(150))
            {
                last = clock.Elapsed;
                yield return new SseItem<string>(SwarmSnapshot.Json(tree, MaxSteps), "snapshot");
            }
        }

        yield return new SseItem<string>(SwarmSnapshot.Json(tree, MaxSteps), "snapshot");
        var reported = setup.Script?.Usage.TotalTokens;
        yield return new SseItem<string>(
            $$"""{"stopReason":"{{result!.StopReason}}","steps":{{result.Steps}},"tokens":{{result.Usage.TotalTokens}},"cost":{{(result.CostUsd ?? 0m).ToString(CultureInfo.InvariantCulture)}},"emulatorTokens":{{(reported?.ToString(CultureInfo.InvariantCulture) ?? "null")}}}""",
            "done");
    }

    private static void Draw(KimiSwarmTree tree, TimeSpan elapsed, bool redirected)
    {
        if (tree.Root is not { } root)
        {
            return;
        }

        var states = root.Children.GroupBy(c => c.State).ToDictionary(g => g.Key, g => g.Count());
        int Count(KimiSwarmNodeState state) => states.GetValueOrDefault(state);
        var line = $"[{elapsed.TotalSeconds,5:F1}s] orchestrator {root.State,-12} | sub-agents {root.Children.Count}: " +
                   $"{Count(KimiSwarmNodeState.Thinking) + Count(KimiSwarmNodeState.RunningTools) + Count(KimiSwarmNodeState.Waiting)} running, " +
                   $"{Count(KimiSwarmNodeState.Completed)} done, {Count(KimiSwarmNodeState.Stopped) + Count(KimiSwarmNodeState.Failed)} stopped | " +
                   $"steps {root.TotalSteps:N0}/{MaxSteps:N0} | tokens {root.TotalUsage.TotalTokens:N0} | ${root.TotalCostUsd ?? 0m:0.0000}";
        if (redirected)
        {
            Console.WriteLine(line);
        }
        else
        {
            var width = Math.Max(20, Console.WindowWidth - 1);
            Console.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
        }
    }
}
