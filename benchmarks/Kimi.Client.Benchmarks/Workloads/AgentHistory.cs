using System.Text;

namespace Kimi.Client.Benchmarks.Workloads;

/// <summary>One agent step: the assistant's reasoning and tool call, then the tool's result.</summary>
public sealed record AgentTurn(string Reasoning, string CallId, string ToolName, string Arguments, string Result);

/// <summary>A client-neutral agent conversation; each client converts it to its own message types once, in setup.</summary>
public sealed class AgentHistory
{
    public AgentHistory(string system, string task, IReadOnlyList<AgentTurn> turns)
    {
        System = system;
        Task = task;
        Turns = turns;
        long withoutReasoning = Encoding.UTF8.GetByteCount(system) + Encoding.UTF8.GetByteCount(task);
        long reasoning = 0;
        foreach (var turn in turns)
        {
            withoutReasoning += (2 * turn.CallId.Length) + turn.ToolName.Length + turn.Arguments.Length + Encoding.UTF8.GetByteCount(turn.Result);
            reasoning += Encoding.UTF8.GetByteCount(turn.Reasoning);
        }

        MinimumRequestBytesWithoutReasoning = withoutReasoning;
        MinimumRequestBytes = withoutReasoning + reasoning;
    }

    public string System { get; }

    public string Task { get; }

    public IReadOnlyList<AgentTurn> Turns { get; }

    public int MessageCount => 2 + (2 * Turns.Count);

    /// <summary>The raw text every request must carry (escaping and JSON syntax only add to it).</summary>
    public long MinimumRequestBytes { get; }

    /// <summary>As <see cref="MinimumRequestBytes"/>, for a client that cannot send reasoning back.</summary>
    public long MinimumRequestBytesWithoutReasoning { get; }
}
