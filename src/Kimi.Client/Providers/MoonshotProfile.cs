using System.Globalization;
using System.Text.RegularExpressions;

namespace Kimi.Client.Providers;

/// <summary>Moonshot's own platform: the reference dialect (spec: moonshot.md).</summary>
internal static partial class MoonshotProfile
{
    public static ProviderProfile Instance { get; } = new()
    {
        Provider = KimiProvider.Moonshot,
        Dialect = "moonshot",
        DisplayName = "Moonshot",
        DefaultEndpoint = new Uri("https://api.moonshot.ai/v1"),
        DefaultModel = "kimi-k2.6",
        ApiKeyEnvironmentVariable = "MOONSHOT_API_KEY",
        ThinkingSwitch = ThinkingSwitch.ThinkingObject,
        PreserveThinkingConfirmed = true,                 // thinking.keep = "all" on kimi-k2.6
        MaxTokensField = "max_completion_tokens",         // max_tokens is deprecated
        MaxOutputTokensLimit = 262_144,                   // context-bound: input + output ≤ 262,144
        MaxOutputTokensLimitIsHard = true,
        DefaultMaxOutputTokens = 16_000,                  // omitted → "a reasonable integer such as 1024", too low with thinking
        SamplingIsPinned = true,                          // non-default temperature/top_p/n/penalties → 400
        ReasoningWriteFields = ["reasoning_content"],
        RequiresReasoningOnToolCallTurns = true,          // "thinking is enabled but reasoning_content is missing …"
        DefaultPricing = new KimiPricing(0.95m, 0.16m, 4.00m), // $ per million input / cached / output tokens
        RequestIdHeaders = ["x-request-id", "x-trace-id"],
        RejectsForcedToolChoiceWhileThinking = true,      // tool_choice 'required'/'specified' is incompatible with thinking
        StripsSchemaKeyword = true,
        RequiresTypedToolSchemaProperties = true,         // "nested properties without type" are rejected
        RetryAfterHint = ParseRetryHint,
    };

    // "… reached max request: 3, please try again after 1 seconds"
    private static TimeSpan? ParseRetryHint(string message)
    {
        var match = TryAgainAfter().Match(message);
        return match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) &&
               seconds < TimeSpan.MaxValue.TotalSeconds // a 20-digit "N" would throw OverflowException
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    [GeneratedRegex(@"try again after (\d+(?:\.\d+)?) ?s(?:ec(?:ond)?s?)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TryAgainAfter();
}
