using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using Kimi.Client.Diagnostics;
using Kimi.Client.Http;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Streaming;

/// <summary>
/// Moves reasoning that a server without <c>--reasoning-parser kimi_k2</c> left inline in <c>content</c> into reasoning
/// (conformance 40; vllm-sglang.md, "Safest client behaviour"), one response at a time, applied to each parsed update
/// before it is accumulated. The K2.6 template opens the reasoning block in the prompt, so a thinking response starts in
/// reasoning: a <c>&lt;think&gt;</c> at the very start is dropped, the first <c>&lt;/think&gt;</c> ends it, and so does
/// <c>&lt;|tool_calls_section_begin|&gt;</c> (kept, as text); one ASCII space on each side of a removed tag goes with it.
/// A chunk's tail that could be the start of a tag (plus one space before it) waits for the next chunk, so any chunking
/// gives the same split. The server's own split wins: once it fills a reasoning field (or its tool parser sends tool
/// calls) nothing more is moved. A response that ends still in reasoning is given back as text with a warning.
/// Optionally (<see cref="KimiProvider.RecoverToolCallsFromText"/>) a tool-call section in the text is parsed into calls.
/// </summary>
/// <remarks>
/// Created only when the host has <see cref="KimiProvider.InlineReasoning"/> on (never otherwise: no cost when off).
/// While on, an update whose text moves is rebuilt (one 40-byte object); text is only cut or joined where a tag is.
/// Not thread-safe: one per response.
/// </remarks>
internal sealed class InlineReasoningSplitter
{
    private const string OpenTag = "<think>";
    private const string CloseTag = "</think>";
    private const string SectionBegin = ToolSectionParser.SectionBegin;
    private const string SectionEnd = ToolSectionParser.SectionEnd;

    private static readonly AsyncLocal<StrongBox<int>?> Counter = new();

    private readonly KimiProvider _profile;
    private readonly bool _recover;
    private readonly ILogger _logger;
    private Phase _phase;
    private string? _held;            // a possible tag's start (with one space before it), waiting for the next chunk
    private bool _dropLeadingSpace;   // a removed tag ended its chunk: the space after it may open the next one
    private string? _opening;         // the removed "<think>" with its spaces, given back if the reasoning never ends
    private bool _movedReasoning;
    private StringBuilder? _section;  // a tool-call section being gathered (RecoverToolCallsFromText)
    private bool _sectionDone;        // Kimi writes one section per answer
    private bool _serverSentToolCalls;
    private bool _recovered;
    private string? _finishReason;
    private StreamMetadata? _metadata;
    private List<ChatCompletionWarning>? _warnings;

    private InlineReasoningSplitter(KimiProvider profile, bool thinking, ILogger logger)
    {
        _profile = profile;
        _recover = profile.RecoverToolCallsFromText;
        _logger = logger;
        _phase = thinking ? Phase.Start : Phase.Content;
        if (Counter.Value is { } created)
        {
            Interlocked.Increment(ref created.Value);
        }
    }

    private enum Phase
    {
        Start,      // in reasoning; a "<think>" may still open it
        Reasoning,
        Content,
        Section,    // gathering a tool-call section
    }

    /// <summary>Test hook: splitters created in this async flow since <see cref="StartCounting"/> (conformance 40a).</summary>
    internal static int CreatedCount => Counter.Value?.Value ?? 0;

    /// <summary>Test hook: counts splitters created from here on in this async flow (parallel tests do not interfere).</summary>
    internal static void StartCounting() => Counter.Value = new StrongBox<int>();

    /// <summary>A splitter for the response to <paramref name="request"/> from the host that answered, or <see langword="null"/> when there is nothing to do.</summary>
    public static InlineReasoningSplitter? For(in TransportResult sent, ChatRequest request, ILogger logger)
    {
        var target = sent.Settings;
        if (!target.Profile.InlineReasoning)
        {
            return null;
        }

        // The request was built for the primary host; a failover target resolves the caller's choice on its own.
        var thinking = ReferenceEquals(request.Settings, target) ? request.Thinking : request.Options?.Thinking ?? target.Options.Thinking;
        var thinkingOn = thinking != ThinkingMode.Disabled; // null: the host's default, and Kimi K2.6 thinks
        return thinkingOn || target.Profile.RecoverToolCallsFromText ? new InlineReasoningSplitter(target.Profile, thinkingOn, logger) : null;
    }

    /// <summary>Splits one streamed update; <see langword="null"/> when all it carried is held back for now.</summary>
    public ChatCompletionUpdate? Split(ChatCompletionUpdate update)
    {
        _metadata = update.Metadata;
        if (update.RawFinishReason is { } finish)
        {
            _finishReason = finish;
        }

        var content = update.ContentDelta;
        var serverReasoning = update.ReasoningDelta;
        var serverCalls = update.HasToolCalls;
        string? reasoning = null, text = null;
        if (_phase is Phase.Start or Phase.Reasoning && !string.IsNullOrEmpty(serverReasoning))
        {
            EndReasoning(ref reasoning); // the server split it: nothing more moves
        }

        _serverSentToolCalls |= serverCalls;
        ToolCallUpdate[]? recovered = null;
        if (content is not null && (_phase != Phase.Content || _held is not null || _dropLeadingSpace || Scans))
        {
            Route(content, ref reasoning, ref text, ref recovered);
        }
        else
        {
            text = content; // passes through untouched
        }

        if (_phase is Phase.Start or Phase.Reasoning && serverCalls)
        {
            EndReasoning(ref reasoning); // the server's tool parser took the section that ended the reasoning
        }

        reasoning = string.IsNullOrEmpty(serverReasoning) ? reasoning ?? serverReasoning : string.Concat(reasoning, serverReasoning);
        if (ReferenceEquals(text, content) && ReferenceEquals(reasoning, serverReasoning) && recovered is null)
        {
            return update;
        }

        if (text is null && reasoning is null && recovered is null && !serverCalls && update.RawFinishReason is null && update.Usage is null && update.ReasoningDetails is null)
        {
            return null;
        }

        return new ChatCompletionUpdate(
            update.Metadata, reasoning, text, recovered ?? update.ToolCallUpdates, update.RawFinishReason, update.Usage, update.UsageIsTopLevel,
            update.NativeFinishReason, update.ReasoningDetails);
    }

    /// <summary>
    /// Ends a stream: what is still held back, as a last update; or, when the response never left reasoning, an update
    /// that turns all of it back into text (<see cref="ChatCompletionUpdate.ReasoningReclassifiedAsText"/>), with a warning.
    /// </summary>
    public ChatCompletionUpdate? Complete(ChatCompletionAccumulator accumulator)
    {
        if (_metadata is null)
        {
            return null; // nothing arrived
        }

        if (_phase is Phase.Start or Phase.Reasoning)
        {
            var reasoning = accumulator.BuildReasoning();
            if (_opening is null && _held is null && string.IsNullOrEmpty(reasoning))
            {
                return null;
            }

            var whole = string.Concat(_opening, reasoning, _held);
            Unterminated(whole.Length);
            return ChatCompletionUpdate.ReclassifiedAsText(_metadata, whole);
        }

        return Flush() is { } rest ? new ChatCompletionUpdate(_metadata, null, rest, null, null, null, usageIsTopLevel: false) : null;
    }

    /// <summary>Splits a whole response (a non-streamed body): one update in, one out; unterminated reasoning leaves it as it came.</summary>
    public ChatCompletionUpdate SplitWhole(ChatCompletionUpdate update)
    {
        var split = Split(update);
        if (_phase is Phase.Start or Phase.Reasoning)
        {
            if (_opening is not null || _held is not null || _movedReasoning)
            {
                Unterminated(update.ContentDelta?.Length ?? 0);
                _held = null;
            }

            return update; // the text as it came (40e)
        }

        if (Flush() is not { } rest)
        {
            return split ?? update;
        }

        var first = split ?? update;
        return new ChatCompletionUpdate(
            first.Metadata, first.ReasoningDelta, string.Concat(split?.ContentDelta, rest), first.ToolCallUpdates, first.RawFinishReason, first.Usage, first.UsageIsTopLevel,
            first.NativeFinishReason, first.ReasoningDetails);
    }

    /// <summary>Puts the warnings and the recovered-tool-calls flag on the finished completion.</summary>
    public void Stamp(ChatCompletion completion)
    {
        if (_warnings is not null)
        {
            completion.Warnings = [.. _warnings];
        }

        completion.ToolCallsRecoveredFromText = _recovered;
    }

    /// <summary>Leaves reasoning for good: what waits is reasoning too.</summary>
    private void EndReasoning(ref string? reasoning)
    {
        if (_held is { } held)
        {
            reasoning = Join(reasoning, held);
            _held = null;
        }

        _phase = Phase.Content;
    }

    /// <summary>Whether text in the answer is still searched for a tool-call section.</summary>
    private bool Scans => _recover && !_sectionDone && !_serverSentToolCalls;

    private void Route(string content, ref string? reasoning, ref string? text, ref ToolCallUpdate[]? recovered)
    {
        var chunk = _held is null ? content : string.Concat(_held, content);
        _held = null;
        var at = 0;
        if (_dropLeadingSpace && chunk.Length > 0)
        {
            _dropLeadingSpace = false;
            if (chunk[0] == ' ')
            {
                at = 1;
                if (_phase == Phase.Reasoning && !_movedReasoning && _opening is not null)
                {
                    _opening += " "; // the space after "<think>" is part of what a reclassification gives back
                }
            }
        }

        while (at < chunk.Length)
        {
            switch (_phase)
            {
                case Phase.Start:
                    at = SkipOpening(chunk, at);
                    if (_phase == Phase.Start)
                    {
                        return; // held back: it may still become "<think>"
                    }

                    break;
                case Phase.Reasoning:
                    at = ReadReasoning(chunk, at, ref reasoning);
                    break;
                case Phase.Content:
                    if (!Scans)
                    {
                        text = Join(text, Slice(chunk, at, chunk.Length));
                        return;
                    }

                    at = ReadContent(chunk, at, ref text);
                    break;
                default:
                    at = ReadSection(chunk, at, ref text, ref recovered);
                    if (_phase == Phase.Section)
                    {
                        return;
                    }

                    break;
            }
        }
    }

    /// <summary>At the start of the reasoning: drops <c>&lt;think&gt;</c> after at most one space, with one space after it.</summary>
    private int SkipOpening(string chunk, int at)
    {
        var tagAt = chunk[at] == ' ' ? at + 1 : at;
        var rest = chunk.AsSpan(tagAt);
        if (rest.Length < OpenTag.Length && OpenTag.AsSpan().StartsWith(rest))
        {
            _held = Slice(chunk, at, chunk.Length); // " ", "<th", " <think" …: wait for more
            return chunk.Length;
        }

        _phase = Phase.Reasoning;
        if (!rest.StartsWith(OpenTag, StringComparison.Ordinal))
        {
            return at; // no opening tag (K2.6's template opened the block in the prompt): a leading space is reasoning
        }

        var end = tagAt + OpenTag.Length;
        if (end < chunk.Length)
        {
            end += chunk[end] == ' ' ? 1 : 0;
        }
        else
        {
            _dropLeadingSpace = true;
        }

        _opening = chunk[at..end];
        return end;
    }

    private int ReadReasoning(string chunk, int at, ref string? reasoning)
    {
        for (var lt = chunk.IndexOf('<', at); lt >= 0; lt = chunk.IndexOf('<', lt + 1))
        {
            var rest = chunk.AsSpan(lt);
            if (rest.StartsWith(CloseTag, StringComparison.Ordinal))
            {
                var end = lt > at && chunk[lt - 1] == ' ' ? lt - 1 : lt;
                reasoning = MoveToReasoning(reasoning, chunk, at, end);
                _phase = Phase.Content;
                var after = lt + CloseTag.Length;
                if (after == chunk.Length)
                {
                    _dropLeadingSpace = true;
                    return after;
                }

                return chunk[after] == ' ' ? after + 1 : after;
            }

            if (rest.StartsWith(SectionBegin, StringComparison.Ordinal))
            {
                // An implicit end: the section is answer text (kept for tool recovery); no space is removed.
                reasoning = MoveToReasoning(reasoning, chunk, at, lt);
                _phase = Phase.Content;
                return lt;
            }
        }

        var hold = HoldFrom(chunk, at, withSpace: true);
        reasoning = MoveToReasoning(reasoning, chunk, at, hold);
        _held = hold < chunk.Length ? chunk[hold..] : null;
        return chunk.Length;
    }

    private int ReadContent(string chunk, int at, ref string? text)
    {
        var begin = chunk.IndexOf(SectionBegin, at, StringComparison.Ordinal);
        if (begin >= 0)
        {
            text = Join(text, Slice(chunk, at, begin));
            _phase = Phase.Section;
            _section = new StringBuilder(SectionBegin.Length * 4);
            return begin;
        }

        var hold = HoldFrom(chunk, at, withSpace: false);
        text = Join(text, Slice(chunk, at, hold));
        _held = hold < chunk.Length ? chunk[hold..] : null;
        return chunk.Length;
    }

    private int ReadSection(string chunk, int at, ref string? text, ref ToolCallUpdate[]? recovered)
    {
        var section = _section!;
        var searchFrom = Math.Max(0, section.Length - (SectionEnd.Length - 1));
        section.Append(chunk, at, chunk.Length - at);
        var end = IndexOf(section, SectionEnd, searchFrom);
        if (end < 0)
        {
            return chunk.Length;
        }

        var close = end + SectionEnd.Length;
        var whole = section.ToString(0, close);
        var after = section.ToString(close, section.Length - close);
        _section = null;
        _sectionDone = true;
        _phase = Phase.Content;
        var calls = ToolSectionParser.Parse(whole);
        if (calls.Length == 0)
        {
            Warn(new ChatCompletionWarning(
                ChatCompletionWarning.ToolSectionMalformed,
                $"{_profile.DisplayName} wrote a tool-call section as text that holds no call in Kimi's grammar; it is left in the text."));
            KimiLog.ToolSectionMalformed(_logger, _profile.DisplayName, whole.Length, _metadata?.Response?.RequestId);
            text = Join(text, whole);
        }
        else
        {
            recovered = calls;
            _recovered = true;
            KimiLog.ToolCallsRecoveredFromText(_logger, _profile.DisplayName, calls.Length, _metadata?.Response?.RequestId);
        }

        text = after.Length == 0 ? text : Join(text, after);
        return chunk.Length;
    }

    /// <summary>Where the held-back tail starts: a proper prefix of a tag at the end (it has one '&lt;', at its start), plus one space before it.</summary>
    private static int HoldFrom(string chunk, int at, bool withSpace)
    {
        var from = chunk.Length;
        var window = Math.Min(chunk.Length - at, SectionBegin.Length - 1);
        if (window > 0)
        {
            var lt = chunk.LastIndexOf('<', chunk.Length - 1, window);
            if (lt >= 0)
            {
                var tail = chunk.AsSpan(lt);
                if (SectionBegin.AsSpan().StartsWith(tail) || withSpace && CloseTag.AsSpan().StartsWith(tail))
                {
                    from = lt;
                }
            }
        }

        return withSpace && from > at && chunk[from - 1] == ' ' ? from - 1 : from;
    }

    private string? MoveToReasoning(string? reasoning, string chunk, int from, int to)
    {
        if (to <= from)
        {
            return reasoning;
        }

        _movedReasoning = true;
        return Join(reasoning, Slice(chunk, from, to));
    }

    /// <summary>What is left at the end of the answer: held-back text, or a section that never closed (with a warning).</summary>
    private string? Flush()
    {
        var rest = _held;
        _held = null;
        if (_phase == Phase.Section)
        {
            var section = _section!.ToString();
            _section = null;
            _phase = Phase.Content;
            Warn(new ChatCompletionWarning(
                ChatCompletionWarning.ToolSectionUnterminated,
                $"{_profile.DisplayName} wrote a tool-call section as text without <|tool_calls_section_end|>; it is left in the text.",
                FinishReasonOrNull));
            KimiLog.ToolSectionUnterminated(_logger, _profile.DisplayName, section.Length, _finishReason, _metadata?.Response?.RequestId);
            rest = string.Concat(section, rest);
        }

        return rest;
    }

    private void Unterminated(int length)
    {
        _phase = Phase.Content;
        Warn(new ChatCompletionWarning(
            ChatCompletionWarning.InlineReasoningUnterminated,
            $"{_profile.DisplayName} ended the response inside its inline reasoning (no </think>, finish reason {_finishReason ?? "none"}), so it is returned as text. " +
            (_finishReason == "length"
                ? "The output cap probably cut the reasoning: raise MaxOutputTokens."
                : "Start the server with --reasoning-parser kimi_k2 to have reasoning split by the server."),
            FinishReasonOrNull));
        KimiLog.InlineReasoningUnterminated(_logger, _profile.DisplayName, _finishReason, length, _metadata?.Response?.RequestId);
    }

    private FinishReason? FinishReasonOrNull => _finishReason is null ? null : FinishReason.FromWire(_finishReason);

    private void Warn(ChatCompletionWarning warning) => (_warnings ??= []).Add(warning);

    private static string Slice(string chunk, int from, int to) => from == 0 && to == chunk.Length ? chunk : chunk[from..to];

    private static string? Join(string? first, string second) =>
        second.Length == 0 ? first : first is null ? second : string.Concat(first, second);

    private static int IndexOf(StringBuilder builder, string value, int from)
    {
        var length = builder.Length - from;
        if (length < value.Length)
        {
            return -1;
        }

        var buffer = ArrayPool<char>.Shared.Rent(length);
        try
        {
            builder.CopyTo(from, buffer, 0, length);
            var found = buffer.AsSpan(0, length).IndexOf(value, StringComparison.Ordinal);
            return found < 0 ? -1 : from + found;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
