namespace Kimi.Client.Agents;

/// <summary>
/// The live picture of a swarm, built from its events: one node per run (the orchestrator at the root, its sub-agents below)
/// with state, steps, tool calls, usage and cost, rolled up the tree. Feed it every event of
/// <see cref="KimiSwarm.RunStreamingAsync(IEnumerable{KimiMessage}, CancellationToken)"/>.
/// </summary>
/// <remarks>Not thread-safe: apply events from the one loop that reads them, and read it there (or under your own lock).</remarks>
public sealed class KimiSwarmTree
{
    private readonly Dictionary<string, KimiSwarmNode> _nodes = new(StringComparer.Ordinal);

    /// <summary>The orchestrator's node, once its first event arrived.</summary>
    public KimiSwarmNode? Root { get; private set; }

    /// <summary>Every run seen, by run id.</summary>
    public IReadOnlyDictionary<string, KimiSwarmNode> Nodes => _nodes;

    /// <summary>How many times the tree changed (for callers that redraw only on change).</summary>
    public long Version { get; private set; }

    /// <summary>Applies one event.</summary>
    /// <param name="item">The event.</param>
    /// <returns>The node it changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="item"/> is <see langword="null"/>.</exception>
    public KimiSwarmNode Apply(KimiAgentEvent item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Version++;
        var node = Node(item.RunId, item.ParentRunId, item.ParentRunId is null ? "orchestrator" : item.RunId);
        switch (item)
        {
            case KimiSwarmSubAgentStarted started:
                node.Name = started.Task.Name;
                node.State = KimiSwarmNodeState.Waiting;
                break;
            case KimiAgentModelCallStarted call:
                node.State = KimiSwarmNodeState.Thinking;
                node.Steps = call.Step;
                break;
            case KimiAgentModelCallCompleted call:
                node.Usage = call.Budget.Usage;
                node.CostUsd = call.Budget.CostUsd;
                break;
            case KimiAgentToolStarted:
                node.State = KimiSwarmNodeState.RunningTools;
                node.ToolCalls++;
                break;
            case KimiAgentRunResumed resumed:
                node.Steps = resumed.Step;
                node.Usage = resumed.Budget.Usage;
                node.CostUsd = resumed.Budget.CostUsd;
                break;
            case KimiAgentRunCompleted end:
                Finish(node, end.Result.StopReason, end.Result.Exception?.Message);
                node.Steps = end.Result.Steps;
                node.Usage = end.Result.Usage;
                node.CostUsd = end.Result.CostUsd;
                break;
            case KimiSwarmSubAgentCompleted end:
                node.Steps = end.Result.Steps;
                node.Usage = end.Result.Usage;
                node.CostUsd = end.Result.CostUsd;
                Finish(node, end.Result.StopReason, end.Result.Error);
                break;
        }

        return node;
    }

    private static void Finish(KimiSwarmNode node, KimiAgentStopReason? reason, string? error)
    {
        node.State = reason switch
        {
            KimiAgentStopReason.Completed when error is null => KimiSwarmNodeState.Completed,
            KimiAgentStopReason.Failed or KimiAgentStopReason.ToolError or KimiAgentStopReason.ContextLength or null => KimiSwarmNodeState.Failed,
            _ => KimiSwarmNodeState.Stopped,
        };
        node.Error = node.State == KimiSwarmNodeState.Completed ? null : error ?? reason.ToString();
    }

    private KimiSwarmNode Node(string runId, string? parentRunId, string name)
    {
        if (_nodes.TryGetValue(runId, out var node))
        {
            return node;
        }

        node = new KimiSwarmNode(runId, parentRunId, name);
        _nodes[runId] = node;
        if (parentRunId is null)
        {
            Root ??= node;
        }
        else
        {
            Node(parentRunId, null, "orchestrator").Add(node);
        }

        return node;
    }
}
