namespace Kimi.Client.Agents;

/// <summary>One run in a <see cref="KimiSwarmTree"/>: its state and spending, and its children's rolled up.</summary>
public sealed class KimiSwarmNode
{
    private readonly List<KimiSwarmNode> _children = [];

    internal KimiSwarmNode(string runId, string? parentRunId, string name)
    {
        RunId = runId;
        ParentRunId = parentRunId;
        Name = name;
    }

    /// <summary>The run's id.</summary>
    public string RunId { get; }

    /// <summary>The parent run's id, or <see langword="null"/> for the orchestrator.</summary>
    public string? ParentRunId { get; }

    /// <summary>The agent's name (the sub-task's, or <c>orchestrator</c>).</summary>
    public string Name { get; internal set; }

    /// <summary>Where the run is.</summary>
    public KimiSwarmNodeState State { get; internal set; }

    /// <summary>Model calls the run made.</summary>
    public int Steps { get; internal set; }

    /// <summary>Tool calls the run started.</summary>
    public int ToolCalls { get; internal set; }

    /// <summary>The run's own usage.</summary>
    public TokenUsage Usage { get; internal set; } = new(0, 0);

    /// <summary>The run's own cost, when prices are known.</summary>
    public decimal? CostUsd { get; internal set; }

    /// <summary>Why it stopped, for <see cref="KimiSwarmNodeState.Stopped"/> and <see cref="KimiSwarmNodeState.Failed"/>.</summary>
    public string? Error { get; internal set; }

    /// <summary>The runs it started, in order.</summary>
    public IReadOnlyList<KimiSwarmNode> Children => _children;

    /// <summary>Model calls of this run and every run below it.</summary>
    public int TotalSteps => Steps + _children.Sum(c => c.TotalSteps);

    /// <summary>Usage of this run and every run below it.</summary>
    public TokenUsage TotalUsage => _children.Aggregate(Usage, (sum, child) => sum + child.TotalUsage);

    /// <summary>Cost of this run and every run below it, when prices are known.</summary>
    public decimal? TotalCostUsd => _children.Aggregate(CostUsd, (sum, child) => child.TotalCostUsd is { } c ? (sum ?? 0m) + c : sum);

    internal void Add(KimiSwarmNode child) => _children.Add(child);

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {State}, {Steps} steps";
}
