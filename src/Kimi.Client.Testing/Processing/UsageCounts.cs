namespace Kimi.Client.Testing.Processing;

/// <summary>The token counts of one reply.</summary>
internal readonly record struct UsageCounts(int PromptTokens, int CompletionTokens, int ReasoningTokens, int CachedTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}
