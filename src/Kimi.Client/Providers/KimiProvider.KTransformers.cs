namespace Kimi.Client;

public partial record KimiProvider
{
    /// <summary>
    /// A KTransformers server (kt-kernel on its SGLang fork, <c>python -m sglang.launch_server … --kt-…</c>; spec:
    /// vllm-sglang.md, KTransformers): SGLang's HTTP surface, with <see cref="InlineReasoning"/> on, because the
    /// KTransformers tutorials and the <c>kt run</c> launcher start the server without <c>--reasoning-parser</c>, so
    /// K2.6's reasoning arrives in <c>content</c> ending at <c>&lt;/think&gt;</c>. The splitter stands down by itself when
    /// the server was started with the parser. Set <see cref="KimiClientOptions.Endpoint"/>.
    /// </summary>
    /// <remarks>
    /// Tool calls arrive as text too when the server runs without <c>--tool-call-parser kimi_k2</c>; derive with
    /// <c>KimiProvider.KTransformers with { RecoverToolCallsFromText = true }</c> (or <c>"RecoverToolCallsFromText": true</c>
    /// under <c>Kimi:Hosts</c>) to have them parsed, or better, restart the server with both parsers.
    /// </remarks>
    public static KimiProvider KTransformers => LazyInitializer.EnsureInitialized(ref field, static () => SGLang with
    {
        Name = "KTransformers",
        DisplayName = "KTransformers",
        Dialect = "ktransformers",
        InlineReasoning = true,
    });
}
