using System.Net;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Kimi.Client.Diagnostics;
using Kimi.Client.Errors;
using Kimi.Client.Http;
using Kimi.Client.Serialization;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Streaming;

/// <summary>
/// Reads a chat-completions SSE response into updates, enforcing stream integrity (conformance 26–28): error events
/// throw with the partial result, a cut stream throws <see cref="KimiStreamIncompleteException"/>, a stream that
/// finished but lost its <c>[DONE]</c> is returned flagged incomplete, and unknown events are skipped.
/// </summary>
internal static class SseChatReader
{
    public static async IAsyncEnumerable<ChatCompletionUpdate> ReadAsync(
        HttpResponseMessage response,
        KimiResponseInfo info,
        ClientSettings settings,
        StreamState state,
        ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var owned = response;
        state.Response = info;
        var parser = new ChunkParser(info, settings.Origin);
        var accumulator = state.Accumulator;

        // A server that ignored "stream": true answers with one JSON document: treat it as a one-update stream.
        if (response.Content.Headers.ContentType?.MediaType is "application/json")
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var single = parser.ParseResponse(body);
            var update = Check(single, settings, info, accumulator);
            accumulator.Append(update);
            state.Completion = accumulator.ToCompletion();
            yield return update;
            yield break;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var items = SseParser.Create(stream, (eventType, data) => eventType switch
        {
            "message" => parser.ParseEvent(data),
            "error" => ParseErrorEvent(parser, data),
            _ => ParseOtherEvent(parser, data), // ping, keep-alive …: skipped unless they carry a chunk
        }).EnumerateAsync(cancellationToken);

        var sawDone = false;
        await using (var enumerator = items.GetAsyncEnumerator(cancellationToken))
        {
            while (true)
            {
                SseItem<ParsedEvent> item;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    item = enumerator.Current;
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    if (!accumulator.HasFinishReason)
                    {
                        throw Incomplete(settings, info, accumulator, "the connection failed mid-stream", ex);
                    }

                    // The answer had finished; only [DONE] (and perhaps a usage chunk) was lost: return it flagged (conformance 27).
                    break;
                }

                var parsed = item.Data;
                if (parsed.Kind == ParsedKind.Skip)
                {
                    continue;
                }

                if (parsed.Kind == ParsedKind.Done)
                {
                    sawDone = true;
                    break;
                }

                var update = Check(parsed, settings, info, accumulator);
                accumulator.Append(update);
                yield return update;
            }
        }

        if (!sawDone)
        {
            if (!accumulator.HasFinishReason)
            {
                throw Incomplete(settings, info, accumulator, "the stream ended without a finish reason or [DONE]", null);
            }

            KimiLog.StreamEndedWithoutDone(logger, settings.Profile.DisplayName, info.RequestId);
        }

        state.Completion = accumulator.Build(isIncomplete: !sawDone);
    }

    private static ParsedEvent ParseErrorEvent(ChunkParser parser, ReadOnlySpan<byte> data)
    {
        var parsed = parser.ParseEvent(data);
        return parsed.Kind == ParsedKind.Update
            ? new ParsedEvent(ParsedKind.Error, Error: ProviderErrorParser.Parse(data))
            : parsed.Kind == ParsedKind.Invalid ? new ParsedEvent(ParsedKind.Error, Error: ProviderErrorParser.Parse(data)) : parsed;
    }

    // System.Net.ServerSentEvents keeps the previous event type after a data-less event ("event: ping\n\n"), so a real
    // chunk can arrive under another name: read it if it is one, skip it if it is not.
    private static ParsedEvent ParseOtherEvent(ChunkParser parser, ReadOnlySpan<byte> data)
    {
        var parsed = parser.ParseEvent(data);
        return parsed.Kind switch
        {
            ParsedKind.Invalid => ParsedEvent.Skip,
            ParsedKind.Update when IsEmpty(parsed.Update!) => ParsedEvent.Skip,
            _ => parsed,
        };
    }

    private static bool IsEmpty(ChatCompletionUpdate update) =>
        update.ContentDelta is null && update.ReasoningDelta is null && update.ToolCallUpdates.Count == 0 && update.RawFinishReason is null && update.Usage is null;

    private static ChatCompletionUpdate Check(ParsedEvent parsed, ClientSettings settings, KimiResponseInfo info, ChatCompletionAccumulator accumulator)
    {
        switch (parsed.Kind)
        {
            case ParsedKind.Update:
                return parsed.Update!;
            case ParsedKind.Error:
                var error = parsed.Error!;
                throw KimiErrorFactory.Create(
                    settings.Profile, KimiErrorFactory.StatusForStreamError(error), error, info.RequestId, null, settings.Scrubber,
                    accumulator.ToPartialCompletion(), isStreamError: true);
            default:
                throw new KimiResponseFormatException(
                    $"{settings.Profile.DisplayName} sent an event Kimi.Client cannot read: {settings.Scrubber.Scrub(parsed.Problem)}. " +
                    $"This is a provider or proxy fault; the partial result is on the exception.{(info.RequestId is null ? string.Empty : $" Request id: {info.RequestId}.")}",
                    settings.Profile.Provider, info.RequestId, accumulator.ToPartialCompletion());
        }
    }

    private static KimiStreamIncompleteException Incomplete(ClientSettings settings, KimiResponseInfo info, ChatCompletionAccumulator accumulator, string what, Exception? inner) =>
        new($"The {settings.Profile.DisplayName} stream was cut: {what}. The text, reasoning, tool calls and usage received so far are in PartialCompletion; " +
            $"retry the call to get a complete answer.{(info.RequestId is null ? string.Empty : $" Request id: {info.RequestId}.")}",
            settings.Profile.Provider, info.RequestId, accumulator.ToPartialCompletion(), inner);
}
