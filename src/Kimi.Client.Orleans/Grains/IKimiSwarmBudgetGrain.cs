namespace Kimi.Client.Orleans;

/// <summary>
/// The ledger of one swarm run (keyed by the swarm's run id), shared by every silo: each call mirrors a
/// <see cref="Kimi.Client.Agents.KimiSwarmBudget"/> method and is persisted before it answers. Calls that change the ledger
/// carry an operation id, so a call retried after a lost answer is applied once.
/// </summary>
internal interface IKimiSwarmBudgetGrain : IGrainWithStringKey
{
    Task<string?> ReserveAsync(Guid operation, string parentAccountId, string[] accountIds, int?[] maxSteps);

    Task<GrantData> BeginCallAsync(Guid operation, string accountId, long estimatedInputTokens, int maxOutputTokens);

    /// <summary>Settles a call (also after the ledger closed: the call began before); answers whether the ledger is closed.</summary>
    Task<bool> EndCallAsync(Guid operation, string accountId, UsageData? usage);

    Task RestoreAsync(Guid operation, int steps, UsageData usage);

    Task CloseAsync(string accountId);

    Task<BudgetStatusData> GetStatusAsync();

    /// <summary>
    /// Closes the ledger when the swarm is cancelled or ends (every later <see cref="BeginCallAsync"/> is refused as cancelled,
    /// while calls begun before are still settled), or opens it again when the swarm runs again. Persisted; setting it twice changes nothing.
    /// </summary>
    Task SetClosedAsync(bool closed);
}
