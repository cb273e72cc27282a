namespace Kimi.Client;

// What a host's answers carry besides the completion: a completion id in a header, the call's cost, and how its retry
// hints are honoured.
public partial record KimiProvider
{
    /// <summary>
    /// Response headers that carry the completion (generation) id when the body has none, in order of preference (OpenRouter:
    /// <c>X-Generation-Id</c>); see <see cref="ChatCompletion.Id"/>.
    /// </summary>
    public IReadOnlyList<string> CompletionIdHeaders { get; init; } = [];

    /// <summary>
    /// Whether the host reports each call's cost in its usage (OpenRouter's <c>usage.cost</c>, <see cref="TokenUsage.Cost"/>): that
    /// cost then wins over <see cref="Pricing"/> for the call, and a cost budget can run on the host without a price table.
    /// </summary>
    public bool ReportsCost { get; init; }

    /// <summary>
    /// Whether a retry hint longer than <see cref="KimiResilienceOptions.MaxRetryAfter"/> is waited for up to that cap and retried
    /// (OpenRouter: its hints mirror the upstream's, and another upstream may be free sooner) instead of failing at once.
    /// </summary>
    public bool WaitsUpToMaxRetryAfter { get; init; }
}
