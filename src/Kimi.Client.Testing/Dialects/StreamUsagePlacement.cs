namespace Kimi.Client.Testing.Dialects;

/// <summary>Where a dialect puts usage in a stream.</summary>
internal enum StreamUsagePlacement
{
    /// <summary>Moonshot: <c>choices[0].usage</c> on the finish chunk, plus a <c>"choices":[]</c> chunk when <c>include_usage</c> is on.</summary>
    ChoiceOnFinishAndTrailingChunk,

    /// <summary>DeepInfra: top-level <c>usage</c> on the finish chunk, always.</summary>
    TopLevelOnFinish,

    /// <summary>vLLM, SGLang, NVIDIA, Ollama: a final <c>"choices":[]</c> chunk, only when <c>include_usage</c> is on.</summary>
    TrailingChunkWhenRequested,

    /// <summary>Cloudflare Workers AI: top-level <c>usage</c> on the finish chunk, only when <c>include_usage</c> is on.</summary>
    TopLevelOnFinishWhenRequested,

    /// <summary>OpenRouter: the finish chunk is sent twice, the repeat with top-level <c>usage</c>, always (recorded 2026-05).</summary>
    TopLevelOnRepeatedFinish,
}
