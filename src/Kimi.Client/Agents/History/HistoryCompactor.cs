using System.Globalization;
using System.Text;

namespace Kimi.Client.Agents;

/// <summary>
/// Compacts a history, cheapest first: (1) older turns' reasoning replaced by the smallest form the provider accepts,
/// (2) older tool results shortened to head and tail, (3) opt-in, older turns replaced by one summary. The protected head
/// (system prompt and task) and the recent turns stay verbatim; the compactable region ends right before an assistant turn,
/// so a tool call and its results are always kept, changed or summarized together.
/// </summary>
internal sealed class HistoryCompactor
{
    private readonly KimiCompactionOptions _options;
    private readonly string? _toolTurnReasoning;
    private readonly bool _clearsReasoning;

    /// <param name="options">The caller's settings.</param>
    /// <param name="toolTurnReasoning">The smallest reasoning the provider accepts on a tool-call turn (Moonshot <c>" "</c>), or <see langword="null"/> for none.</param>
    /// <param name="thinking">The run's thinking mode: with thinking off no reasoning is sent, so none is cleared.</param>
    public HistoryCompactor(KimiCompactionOptions options, string? toolTurnReasoning, ThinkingMode thinking)
    {
        _options = options;
        _toolTurnReasoning = toolTurnReasoning;
        _clearsReasoning = options.ClearOldReasoning && thinking != ThinkingMode.Disabled &&
                           (thinking != ThinkingMode.Preserved || options.ClearReasoningUnderPreservedThinking);
    }

    /// <summary>Whether a prompt of this size plus the output cap passes the trigger share of the window.</summary>
    public bool IsDue(long promptTokens, int reserve, int window) => promptTokens + reserve > (long)(window * _options.TriggerShare);

    /// <summary>Compacts the history in place; <see langword="null"/> when nothing could be changed.</summary>
    public async ValueTask<CompactionOutcome?> CompactAsync(
        AgentHistory history,
        int reserve,
        int window,
        Func<IReadOnlyList<KimiMessage>, CancellationToken, ValueTask<(string Text, TokenUsage? Usage)>>? summarize,
        CancellationToken cancellationToken)
    {
        var target = (long)(window * _options.TargetShare) - reserve;
        var start = history.ProtectedCount;
        var end = RegionEnd(history);
        if (end <= start)
        {
            return null;
        }

        var before = history.PromptTokens;
        var messagesBefore = history.Count;
        var region = new (KimiMessage Message, int Tokens, bool Changed)[end - start];
        for (var i = start; i < end; i++)
        {
            region[i - start] = (history.Messages[i], history.TokensOf(i), false);
        }

        var total = before;
        int cleared = 0, shortened = 0;
        if (_clearsReasoning)
        {
            for (var i = 0; i < region.Length; i++)
            {
                var message = region[i].Message;
                if (message.Role != MessageRole.Assistant)
                {
                    continue;
                }

                var smallest = message.HasToolCalls ? _toolTurnReasoning : null;
                if (message.Reasoning == smallest || (smallest is null && message.Reasoning is null))
                {
                    continue;
                }

                var copy = Copy(message, message.Text);
                copy.Reasoning = smallest;
                copy.ReasoningOrigin = smallest is null ? null : message.ReasoningOrigin;
                Update(history, region, start, i, copy, ref total);
                cleared++;
            }
        }

        if (total > target && _options.ShortenOldToolResults)
        {
            var keep = _options.ToolResultHeadChars + _options.ToolResultTailChars;
            for (var i = 0; i < region.Length && total > target; i++)
            {
                var message = region[i].Message;
                var text = message.Text;
                if (message.Role != MessageRole.Tool || text.Length <= keep)
                {
                    continue;
                }

                var head = text.AsSpan(0, SafeCut(text, _options.ToolResultHeadChars));
                var tailStart = SafeCut(text, text.Length - _options.ToolResultTailChars);
                var shorter = string.Concat(head, Marker(tailStart - head.Length), text.AsSpan(tailStart));
                if (shorter.Length * 4L > text.Length * 3L)
                {
                    continue; // saves under a quarter (an already shortened result, or one barely over the limit): leave it byte-stable
                }

                Update(history, region, start, i, Copy(message, shorter), ref total);
                shortened++;
            }
        }

        int first = -1, last = -1;
        for (var i = 0; i < region.Length; i++)
        {
            if (region[i].Changed)
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        if (total > target && _options.Summarize && summarize is not null)
        {
            var (text, usage) = await summarize([.. region.Select(r => r.Message)], cancellationToken).ConfigureAwait(false);
            var summary = KimiMessage.User(
                $"[Summary of {region.Length.ToString(CultureInfo.InvariantCulture)} earlier messages, written when the agent compacted its history]\n{text}");
            var tokens = AgentHistory.Estimate(summary);
            history.Replace(start, region.Length, [(summary, tokens)]);
            return new(start, region.Length, [summary], before, history.PromptTokens, messagesBefore, history.Count, cleared, shortened, region.Length, usage);
        }

        if (first < 0)
        {
            return null;
        }

        // Only the changed block is replaced (and recorded): messages before it stay byte-identical on the wire.
        var replacement = region[first..(last + 1)].Select(r => (r.Message, r.Tokens)).ToList();
        history.Replace(start + first, replacement.Count, replacement);
        return new(start + first, replacement.Count, [.. replacement.Select(r => r.Message)], before, history.PromptTokens, messagesBefore, history.Count, cleared, shortened, 0, null);
    }

    /// <summary>The text a summary call reads: one line per message, tool calls and results named.</summary>
    public static string Transcript(IReadOnlyList<KimiMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            switch (message.Role)
            {
                case MessageRole.Assistant:
                    text.Append("assistant: ").Append(message.Text).Append('\n');
                    foreach (var call in message.ToolCallsOrNull ?? [])
                    {
                        text.Append("  called ").Append(call.Name).Append('(').Append(call.Arguments).Append(") [").Append(call.Id).Append("]\n");
                    }

                    break;
                case MessageRole.Tool:
                    text.Append("tool ").Append(message.Name).Append(" [").Append(message.ToolCallId).Append("]: ").Append(message.Text).Append('\n');
                    break;
                default:
                    text.Append(message.Role == MessageRole.User ? "user: " : "system: ").Append(message.Text).Append('\n');
                    break;
            }
        }

        return text.ToString();
    }

    private static string Marker(int elided) => $"\n[... {elided.ToString("N0", CultureInfo.InvariantCulture)} characters elided to fit the context window ...]\n";

    /// <summary>A cut that does not split a surrogate pair.</summary>
    private static int SafeCut(string text, int index) => index > 0 && index < text.Length && char.IsLowSurrogate(text[index]) ? index - 1 : index;

    private static void Update(AgentHistory history, (KimiMessage Message, int Tokens, bool Changed)[] region, int start, int i, KimiMessage copy, ref long total)
    {
        // Rescaled from the message as it is in the history, so an exact cost stays calibrated through both steps.
        var original = history.Messages[start + i];
        var tokens = (int)Math.Max(1, Math.Ceiling(history.TokensOf(start + i) * (double)AgentHistory.Chars(copy) / Math.Max(1, AgentHistory.Chars(original))));
        total += tokens - region[i].Tokens;
        region[i] = (copy, tokens, true);
    }

    /// <summary>Index of the oldest of the recent turns kept verbatim (an assistant message), or the history's end.</summary>
    private int RegionEnd(AgentHistory history)
    {
        var turns = 0;
        for (var i = history.Count - 1; i >= history.ProtectedCount; i--)
        {
            if (history.Messages[i].Role == MessageRole.Assistant && ++turns == _options.KeepRecentTurns)
            {
                return i;
            }
        }

        return _options.KeepRecentTurns == 0 ? history.Count : history.ProtectedCount;
    }

    private static KimiMessage Copy(KimiMessage message, string text)
    {
        var copy = new KimiMessage(message.Role, text.Length > 0 || message.Role != MessageRole.Assistant ? text : null)
        {
            Reasoning = message.Reasoning,
            ReasoningOrigin = message.ReasoningOrigin,
            ToolCallId = message.ToolCallId,
            Name = message.Name,
        };
        foreach (var part in message.PartsOrNull ?? [])
        {
            if (part is not TextPart)
            {
                copy.Parts.Add(part); // media stays (only user messages carry it, and those are not shortened)
            }
        }

        foreach (var call in message.ToolCallsOrNull ?? [])
        {
            copy.ToolCalls.Add(call);
        }

        return copy;
    }
}
