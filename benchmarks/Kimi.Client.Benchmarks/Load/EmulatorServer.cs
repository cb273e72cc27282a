using System.Globalization;
using System.Text;
using System.Text.Json;
using Kimi.Client.Benchmarks.Workloads;
using Kimi.Client.Testing;

namespace Kimi.Client.Benchmarks.Load;

/// <summary>
/// <c>--serve load|agents|longrun|swarm|swarm-m{M}</c>: the Kimi emulator (Moonshot dialect) on Kestrel at 127.0.0.1, in its own process so the
/// client process's CPU time, allocations and working set are the client's alone. Prints <c>ready {url}</c>, then answers
/// one-line commands on stdin (<c>usage</c>, <c>bytes</c>) until stdin closes.
/// </summary>
internal static class EmulatorServer
{
    public const string ApiKey = "load-key";

    public static async Task<int> RunAsync(string scenario)
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions
        {
            ApiKey = ApiKey,
            ContextWindow = scenario == "longrun" ? LongRunScript.Window : 262_144,
            MaxRecordedRequests = 0, // long runs: keep no request bodies
        });
        var agents = new AgentScript();
        var longRun = new LongRunScript();
        var swarm = SwarmBench.Script(scenario);
        emulator.Responder = scenario switch
        {
            "load" => _ => LoadStream.Reply(),
            "agents" => agents.Reply,
            "longrun" => longRun.Reply,
            _ when swarm is not null => swarm.Reply,
            _ => throw new ArgumentException($"Unknown --serve scenario '{scenario}'.", nameof(scenario)),
        };

        var url = await emulator.StartAsync();
        Console.WriteLine($"ready {url.AbsoluteUri}");
        while (await Console.In.ReadLineAsync() is { } command)
        {
            Console.WriteLine(command switch
            {
                "usage" when swarm is not null => SwarmBench.UsageLine(swarm),
                "usage" => agents.UsageLine(),
                "bytes" => agents.BytesLine(),
                _ => "error unknown command",
            });
        }

        return 0;
    }
}

/// <summary>The load mode's stream: 200 reasoning deltas and 300 content deltas (the emulator sends one word per delta).</summary>
internal static class LoadStream
{
    public const int ReasoningWords = 200;
    public const int ContentWords = 300;
    public const int PromptTokens = 120;
    public const int CompletionTokens = 700;
    public const int ReasoningTokens = 260;

    public static readonly string Reasoning = new WordSource(71).Words(ReasoningWords).TrimStart();
    public static readonly string Content = new WordSource(73).Words(ContentWords).TrimStart();

    public static int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>SSE events with a JSON chunk: the deltas, the finish chunk and the usage chunk.</summary>
    public static int Chunks => ReasoningWords + ContentWords + 2;

    public static EmulatorReply Reply() => new()
    {
        Text = Content,
        Reasoning = Reasoning,
        PromptTokens = PromptTokens,
        CompletionTokens = CompletionTokens,
        ReasoningTokens = ReasoningTokens,
        CachedTokens = 64,
    };
}

/// <summary>
/// The agents mode's model: agent <c>i</c> (named in its user message) calls a tool on each of its first
/// <c>StepsFor(i) - 1</c> steps and then answers. Usage is fixed per reply and summed here, for the client's sum to match.
/// </summary>
internal sealed class AgentScript
{
    public const int Agents = 300;
    public const int MaxSteps = 14;
    public static readonly string[] Tools = ["read_file", "search_code", "run_command", "write_file"];

    private static readonly string[] ReasoningByStep = CreateReasoning();
    private readonly long[] _usage = new long[5]; // input, output, total, cached, reasoning (agents 0..299 only)
    private readonly long[] _bytesByStep = new long[MaxSteps + 1];
    private readonly long[] _requestsByStep = new long[MaxSteps + 1];

    /// <summary>100 agents take 14 steps and 200 take 13: 4,000 steps in all.</summary>
    public static int StepsFor(int agent) => agent < 100 ? 14 : 13;

    public static string Task(int agent) => $"Agent {agent.ToString(CultureInfo.InvariantCulture)}: make the parser allocate less and keep the tests green.";

    public static string FinalText(int agent) => $"Done: agent {agent.ToString(CultureInfo.InvariantCulture)} finished.";

    public EmulatorReply Reply(EmulatorRequest request)
    {
        var agent = ParseAgent(request.Json);
        var messages = request.Json.GetProperty("messages");
        var toolResults = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.GetProperty("role").ValueEquals("tool"))
            {
                toolResults++;
            }
        }

        var step = toolResults + 1;
        var promptTokens = Encoding.UTF8.GetByteCount(request.Body) / 4;
        EmulatorReply reply;
        if (step < StepsFor(agent))
        {
            var tool = Tools[step % Tools.Length];
            reply = EmulatorReply.FromToolCalls(
                ReasoningByStep[step],
                new EmulatorToolCall(tool, $$"""{"path":"src/Kimi.Client/Part{{step}}.cs","query":"step {{step}} of agent {{agent}}"}"""));
        }
        else
        {
            reply = EmulatorReply.FromText(FinalText(agent), "All steps are done; report.");
        }

        reply.PromptTokens = promptTokens;
        reply.CachedTokens = promptTokens / 2;
        reply.ReasoningTokens = 40 + step;
        reply.CompletionTokens = 90 + step;
        if (agent < Agents)
        {
            Interlocked.Add(ref _usage[0], promptTokens);
            Interlocked.Add(ref _usage[1], reply.CompletionTokens.Value);
            Interlocked.Add(ref _usage[2], promptTokens + reply.CompletionTokens.Value);
            Interlocked.Add(ref _usage[3], reply.CachedTokens.Value);
            Interlocked.Add(ref _usage[4], reply.ReasoningTokens.Value);
            Interlocked.Add(ref _bytesByStep[Math.Min(step, MaxSteps)], Encoding.UTF8.GetByteCount(request.Body));
            Interlocked.Increment(ref _requestsByStep[Math.Min(step, MaxSteps)]);
        }

        return reply;
    }

    public string UsageLine() => "usage " + string.Join(' ', Enumerable.Range(0, _usage.Length).Select(i => Interlocked.Read(ref _usage[i]).ToString(CultureInfo.InvariantCulture)));

    public string BytesLine() => "bytes " + string.Join(' ', Enumerable.Range(1, MaxSteps).Select(s =>
        $"{Interlocked.Read(ref _requestsByStep[s]).ToString(CultureInfo.InvariantCulture)}:{Interlocked.Read(ref _bytesByStep[s]).ToString(CultureInfo.InvariantCulture)}"));

    private static int ParseAgent(JsonElement body)
    {
        foreach (var message in body.GetProperty("messages").EnumerateArray())
        {
            if (message.GetProperty("role").ValueEquals("user"))
            {
                var text = message.GetProperty("content").GetString()!;
                return int.Parse(text.AsSpan(6, text.IndexOf(':', StringComparison.Ordinal) - 6), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("No user message.");
    }

    private static string[] CreateReasoning()
    {
        var words = new WordSource(97);
        return [.. Enumerable.Range(0, MaxSteps + 1).Select(_ => words.Words(50).TrimStart())];
    }
}
