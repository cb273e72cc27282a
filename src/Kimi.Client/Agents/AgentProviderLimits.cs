namespace Kimi.Client.Agents;

/// <summary>
/// The provider facts an agent budgets with, read in one place each: the context window and the price table.
/// </summary>
internal static class AgentProviderLimits
{
    /// <summary>The model's context window on the client's host, in tokens (the profile's; a mock's <see cref="KimiClient.Provider"/> when it has no settings).</summary>
    public static int ContextWindow(KimiClient client) => (client.Settings?.Profile ?? client.Provider).ContextWindow;

    /// <summary>The host's published prices, or <see langword="null"/> when it publishes none.</summary>
    public static KimiPricing? Pricing(KimiClient client) => (client.Settings?.Profile ?? client.Provider).Pricing;

    /// <summary>Whether the host reports each call's cost (OpenRouter's <c>usage.cost</c>), which then wins over the prices.</summary>
    public static bool ReportsCost(KimiClient client) => (client.Settings?.Profile ?? client.Provider).ReportsCost;

    /// <summary>The smallest reasoning the provider accepts on an assistant tool-call turn while thinking (Moonshot: <c>" "</c>), or <see langword="null"/> for none.</summary>
    public static string? ToolTurnReasoningPlaceholder(KimiClient client) =>
        client.Settings?.Profile.RequiresReasoningOnToolCallTurns == true ? ChatRequest.ReasoningPlaceholder : null;

    /// <summary>The output cap a call sends when the agent does not clamp it, if known.</summary>
    public static int? OutputCap(KimiClient client, ChatCompletionOptions? callOptions)
    {
        var settings = client.Settings;
        return callOptions?.MaxOutputTokens ?? settings?.Options.MaxOutputTokens ?? settings?.Profile.DefaultMaxOutputTokens ?? settings?.Profile.MaxOutputTokensLimit;
    }

    /// <summary>
    /// The exact prompt counter compaction asks before it runs: the caller's, else the host's token-count call when asked for
    /// and the host has one, else none.
    /// </summary>
    public static Func<IReadOnlyList<KimiMessage>, CancellationToken, ValueTask<int>>? TokenCounter(KimiClient client, KimiCompactionOptions compaction)
    {
        if (compaction.TokenCounter is { } counter)
        {
            return counter;
        }

        if (!compaction.UseHostTokenCount || client.Settings?.Profile.TokenCountPath is null)
        {
            return null;
        }

        var platform = client.GetPlatformClient();
        return async (messages, cancellationToken) => (await platform.EstimateTokensAsync(messages, cancellationToken: cancellationToken).ConfigureAwait(false)).TotalTokens;
    }

    /// <summary>The thinking mode a call runs with.</summary>
    public static ThinkingMode Thinking(KimiClient client, ChatCompletionOptions? callOptions) =>
        callOptions?.Thinking ?? client.Settings?.Options.Thinking ?? ThinkingMode.Enabled;
}
