using Kimi.Client.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Kimi.Client;

#pragma warning disable CA2208 // Argument exceptions name the public method's parameters (messages, options), validated here.

// Host features beyond plain chat that shape one call: Moonshot's partial mode (a prefilled final assistant message) and
// its built-in $web_search tool. Whether a host has them is profile data (HasPartialMode, HasWebSearchTool).
internal sealed partial class ChatRequest
{
    /// <summary>The prefill text when the call continues a partial assistant message, else <see langword="null"/>.</summary>
    public string? PrefillText { get; private set; }

    /// <summary>Whether Moonshot's built-in <c>$web_search</c> tool is declared.</summary>
    public bool WebSearch { get; private set; }

    /// <summary>Appends <see cref="ChatCompletionOptions.Prefill"/> as the final partial assistant message.</summary>
    private static KimiMessage[] WithPrefill(KimiMessage[] messages, ChatCompletionOptions? options) =>
        options?.Prefill is { } prefill ? [.. messages, KimiMessage.Prefill(prefill)] : messages;

    private void ValidatePartialMode()
    {
        for (var i = 0; i < Messages.Length; i++)
        {
            var message = Messages[i];
            if (!message.IsPartial)
            {
                continue;
            }

            if (message.Role != MessageRole.Assistant)
            {
                throw new ArgumentException($"Message {i} is a {message.Role} message marked partial; only an assistant message can be a prefill. Use KimiMessage.Prefill(text).", "messages");
            }

            if (i != Messages.Length - 1)
            {
                throw new ArgumentException(
                    $"Message {i} is a partial (prefill) message but not the last one; the answer continues the final message, so a prefill must come last." +
                    (Options?.Prefill is not null ? " ChatCompletionOptions.Prefill already appends one: remove the other." : string.Empty), "messages");
            }

            if (message.HasToolCalls)
            {
                throw new ArgumentException($"Message {i} is a prefill with tool calls; a prefill is the start of the answer's text only.", "messages");
            }

            if (!Profile.HasPartialMode)
            {
                throw new NotSupportedException(
                    $"Prefill (partial mode) is a platform feature that the {Profile.Name} profile ({Profile.DisplayName}) does not have. Remove ChatCompletionOptions.Prefill " +
                    $"or the partial message{HostsWith(static p => p.HasPartialMode)}.");
            }

            if (Options?.ResponseFormat is { } format)
            {
                throw new ArgumentException(
                    $"A prefill cannot be combined with ResponseFormat '{format.Type}' (documented to give unexpected output). Remove one: a prefill such as \"{{\" already steers the answer to JSON.", "options");
            }

            PrefillText = message.Text;
        }
    }

    /// <summary>After thinking is resolved: partial mode and web search turn it off when the caller did not insist.</summary>
    private void ResolvePlatformFeatures(ILogger logger)
    {
        var asked = Options?.Thinking ?? Settings.Options.Thinking;
        if (PrefillText is not null)
        {
            if (asked is null)
            {
                Thinking = ThinkingMode.Disabled; // partial mode with thinking is unconfirmed on K2.6: the documented form is thinking off
            }
            else if (asked != ThinkingMode.Disabled)
            {
                KimiLog.PrefillWithThinkingUnconfirmed(logger, Profile.DisplayName);
            }
        }

        if (Options?.WebSearch != true)
        {
            return;
        }

        if (!Profile.HasWebSearchTool)
        {
            throw new NotSupportedException(
                $"WebSearch declares Moonshot's built-in $web_search tool, which the {Profile.Name} profile ({Profile.DisplayName}) does not have (a builtin_function tool " +
                $"is not a valid tool type there). Remove ChatCompletionOptions.WebSearch, or declare your own search function{HostsWith(static p => p.HasWebSearchTool)}.");
        }

        WebSearch = true;
        if (Thinking != ThinkingMode.Disabled)
        {
            // Web-search loops with thinking on were rejected with 400 on K2.5; the documented fix sends thinking off on every round.
            KimiLog.WebSearchThinkingDisabled(logger, Profile.DisplayName);
            Thinking = ThinkingMode.Disabled;
        }
    }

    private static string HostsWith(Func<KimiProvider, bool> condition) =>
        KimiProvider.BuiltInWhere(condition) is { Length: > 0 } hosts ? $", or use a host that has it ({hosts})" : string.Empty;
}
