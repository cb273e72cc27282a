namespace Kimi.Client.Orleans;

/// <summary>An operation the budget grain applied, with its answer, so the same operation retried gets the same answer.</summary>
[GenerateSerializer]
internal sealed class BudgetOperation
{
    [Id(0)]
    public Guid Id { get; set; }

    [Id(1)]
    public GrantData? Grant { get; set; }

    [Id(2)]
    public string? Refusal { get; set; }
}
