using Microsoft.Extensions.Logging;

namespace Kimi.Client.Diagnostics;

// Platform calls, Moonshot's web search and partial mode, and the verifier.
internal static partial class KimiLog
{
    [LoggerMessage(300, LogLevel.Warning, "{Provider}'s token count takes messages only: the {ToolCount} tool declaration(s) passed were not sent and are not counted.")]
    public static partial void EstimateExcludesTools(ILogger logger, string provider, int toolCount);

    [LoggerMessage(301, LogLevel.Debug, "{Provider} has no token-count endpoint; estimated {Tokens} tokens locally.")]
    public static partial void TokenCountEstimatedLocally(ILogger logger, string provider, int tokens);

    [LoggerMessage(302, LogLevel.Warning, "Web search on {Provider}: thinking is turned off for these calls (web-search loops with thinking on were rejected with 400 on Kimi K2.5; K2.6 is unconfirmed).")]
    public static partial void WebSearchThinkingDisabled(ILogger logger, string provider);

    [LoggerMessage(303, LogLevel.Warning, "Prefill on {Provider} with thinking on: partial mode with thinking is unconfirmed for Kimi K2.6; an answer may end after its reasoning with an empty continuation.")]
    public static partial void PrefillWithThinkingUnconfirmed(ILogger logger, string provider);

    [LoggerMessage(304, LogLevel.Information, "Verifier probe {Probe} sends {Parameter} to {Provider}, which pins it: the SDK's pinned-sampling rule is bypassed on purpose to see whether the host enforces it.")]
    public static partial void VerifierSamplingBypass(ILogger logger, string probe, string parameter, string provider);
}
