namespace Kimi.Client.Orleans;

/// <summary>The swarm budget grain's state: the ledger (<see cref="Kimi.Client.Agents.KimiSwarmBudget.Save"/>) and the last operation per account, for retries.</summary>
[GenerateSerializer]
internal sealed class BudgetGrainState
{
    [Id(0)]
    public byte[]? Ledger { get; set; }

    /// <summary>By kind and account ("b:", "e:", "r:", "x:" + id): the last operation applied and its answer.</summary>
    [Id(1)]
    public Dictionary<string, BudgetOperation> Operations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Accounts that hold a reservation and were not closed (a sub-agent's, while its delegation is in progress).</summary>
    [Id(2)]
    public HashSet<string> Open { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The swarm was cancelled or ended: no model call may begin (calls begun before are still settled) until it runs again.</summary>
    [Id(3)]
    public bool Closed { get; set; }
}
