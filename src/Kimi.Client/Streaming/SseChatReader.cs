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
/// finished but lost its <c>[DONE]</c> (or sent <c>[DONE]</c> without ever finishing) is returned flagged incomplete,
/// and unknown events are skipped. The idle clock times only waits for the server, never the caller's time with an update.
/// </summary>
internal static class SseChatReader
{
    /// <summary>The longest payload excerpt quoted in a format error.</summary>
    internal const int MaxExcerptLength = 120;

    public static async IAsyncEnumerable<ChatCompletionUpdate> ReadAsync(
        TransportResult sent,
        StreamState state,
        ILogger logger,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var response = sent.Response;
        using var rateLimitLease = sent.Lease; // a concurrency slot is held until the enumerator is disposed
        var settings = sent.Settings;
        var info = sent.Info;
        var attempts = sent.Budget.Attempts;
        state.Response = info;
        var parser = new ChunkParser(info, settings.Origin, settings.Profile) { KeepUnknownFields = settings.Options.IncludeUnknownStreamFields };
        var accumulator = state.Accumulator;
        var splitter = state.Splitter; // inline reasoning: null unless the host opts in, so it costs nothing otherwise

        // The stream's own clock: time to the first event, then the longest silence between events, and an optional total.
        var limits = settings.Options.Resilience;
        using var watchdog = new StreamWatchdog(limits.FirstChunkTimeout, settings.Time);
        using var streamLimit = limits.StreamTimeout is { } total ? new CancellationTokenSource(total, settings.Time) : null;
        using var linked = cancellationToken.CanBeCanceled || streamLimit is not null
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watchdog.Token, streamLimit?.Token ?? CancellationToken.None)
            : null; // nothing to link when only the watchdog can cancel
        var token = linked?.Token ?? watchdog.Token;
        var received = false;

        var mediaType = response.Content.Headers.ContentType?.MediaType;

        // A server that ignored "stream": true answers with one JSON document, read and parsed by the transport's try (an error
        // body, even with 200, was classified and retried there like its status): treat it as a one-update stream.
        if (sent.Attempt.Parsed is { } whole)
        {
            var update = Check(whole, settings, info, accumulator, attempts, eventNumber: 0);
            update = splitter?.SplitWhole(update) ?? update;
            accumulator.Append(update);
            state.Completion = Stamp(accumulator.ToCompletion(), attempts);
            splitter?.Stamp(state.Completion);
            rateLimitLease?.Release(state.Completion.Usage);
            yield return update;
            yield break;
        }

        if (sent.Attempt.BodyFailure is { } failure)
        {
            throw WithAttempts(failure switch
            {
                BodyStalledException stalled => TimedOut(settings, info, accumulator, limits.FirstChunkTimeout, "the response body did not arrive", stalled),
                BodyTooLargeException tooLarge => TooLarge(settings, info, accumulator, tooLarge.Limit, "response"),
                _ => ChatResponseReader.BodyFailed(settings, info, failure),
            }, attempts, settings);
        }

        // An HTML page (a login portal, a proxy's error page, a wrong path) is not a stream that was cut: say what it is.
        if (mediaType is not (null or "text/event-stream" or "text/plain" or "application/x-ndjson" or "application/octet-stream"))
        {
            throw WithAttempts(new KimiResponseFormatException(
                $"{settings.Profile.DisplayName} answered {(int)response.StatusCode} with {mediaType}, which is not an event stream. Check KimiClientOptions.Endpoint " +
                $"points at an OpenAI-compatible /v1 base URL (it is {settings.LoggableEndpoint}).{ChatResponseReader.RequestIdSentence(info)}",
                settings.Profile, info.RequestId, accumulator.ToPartialCompletion()), attempts, settings);
        }

        // Any bytes are life and end a wait, keep-alive comments included (OpenRouter's ": OPENROUTER PROCESSING" often
        // comes several times before the first event): the first-event limit until one arrives, then the silence limit.
        // StreamTimeout still bounds a stream of nothing but comments. No event may outgrow its size limit.
        var stream = new StreamGuard(await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false), settings.Options.Limits.MaxStreamEventBytes, watchdog);
        var items = SseParser.Create(stream, parser.ParseSseEvent).EnumerateAsync(token);

        var sawDone = false;
        var eventNumber = 0; // 1-based position of the SSE event, quoted in format errors (conformance 22)
        await using (var enumerator = items.GetAsyncEnumerator(token))
        {
            while (true)
            {
                // Initialised although every path that reads it assigns it: a local definitely assigned only inside the try
                // makes Stryker's safe mode drop every mutant in this method (docs/mutation-testing.md).
                SseItem<ParsedEvent> item = default;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    item = enumerator.Current;
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && token.IsCancellationRequested)
                {
                    var (limit, what) = streamLimit?.IsCancellationRequested == true
                        ? (limits.StreamTimeout!.Value, "the stream ran past its total time limit (Resilience.StreamTimeout)")
                        : received
                            ? (limits.IdleTimeout, "the stream went silent (Resilience.IdleTimeout)")
                            : (limits.FirstChunkTimeout, "no event arrived after the response started (Resilience.FirstChunkTimeout)");
                    throw WithAttempts(TimedOut(settings, info, accumulator, limit, what, ex), attempts, settings);
                }
                catch (EventTooLargeException ex)
                {
                    throw WithAttempts(TooLarge(settings, info, accumulator, ex.Limit, "stream event"), attempts, settings);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !token.IsCancellationRequested)
                {
                    if (!accumulator.HasFinishReason)
                    {
                        throw WithAttempts(Incomplete(settings, info, accumulator, "the connection failed mid-stream", ex), attempts, settings);
                    }

                    // The answer had finished; only [DONE] (and perhaps a usage chunk) was lost: return it flagged (conformance 27).
                    break;
                }

                eventNumber++;
                if (!received)
                {
                    // The first event switches the clock from the first-event limit to the silence limit. Only waits for the server
                    // are timed (StreamGuard), never the caller's time with an update: nothing to pause or restart per event.
                    received = true;
                    watchdog.SetLimit(limits.IdleTimeout);
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

                var update = Check(parsed, settings, info, accumulator, attempts, eventNumber);
                if (splitter is not null)
                {
                    // A null test, not "is not { } split": Stryker's "is not" → "is" mutant leaves such a local unassigned (CS0165).
                    var split = splitter.Split(update);
                    if (split is null)
                    {
                        continue; // all of it held back: it may be the start of a tag
                    }

                    update = split;
                }

                accumulator.Append(update);
                yield return update;
            }
        }

        if (!sawDone)
        {
            if (!accumulator.HasFinishReason)
            {
                throw WithAttempts(Incomplete(settings, info, accumulator, "the stream ended without a finish reason or [DONE]", null), attempts, settings);
            }

            KimiLog.StreamEndedWithoutDone(logger, settings.Profile.DisplayName, info.RequestId);
        }
        else if (!accumulator.HasFinishReason)
        {
            // [DONE] arrived but the answer never finished (conformance 27 spirit): return it, flagged, not as complete.
            KimiLog.StreamEndedWithoutFinishReason(logger, settings.Profile.DisplayName, info.RequestId);
        }

        if (splitter?.Complete(accumulator) is { } last)
        {
            accumulator.Append(last); // held-back text, or unterminated reasoning given back as text
            yield return last;
        }

        state.Completion = Stamp(accumulator.Build(isIncomplete: !sawDone || !accumulator.HasFinishReason), attempts);
        splitter?.Stamp(state.Completion);
        response.Dispose(); // the body is let go before the concurrency slot, so a call waiting for the slot never overlaps this one
        rateLimitLease?.Release(state.Completion.Usage);
    }

    private static ChatCompletion Stamp(ChatCompletion completion, IReadOnlyList<KimiAttempt> attempts)
    {
        completion.Attempts = attempts;
        return completion;
    }

    private static KimiException WithAttempts(KimiException exception, IReadOnlyList<KimiAttempt> attempts, ClientSettings settings)
    {
        exception.Attempts = attempts;
        exception.Scrubber ??= settings.Scrubber;
        return exception;
    }

    private static KimiResponseTooLargeException TooLarge(ClientSettings settings, KimiResponseInfo info, ChatCompletionAccumulator accumulator, long limit, string what) =>
        new($"{settings.Profile.DisplayName} sent a {what} larger than {ChatResponseReader.Size(limit)}; reading stopped there and what arrived before is in PartialCompletion. " +
            $"Raise KimiClientOptions.Limits.{(what == "response" ? "MaxResponseBytes" : "MaxStreamEventBytes")} if that is expected.{ChatResponseReader.RequestIdSentence(info)}",
            settings.Profile, limit, info.RequestId, accumulator.ToPartialCompletion());

    private static KimiTimeoutException TimedOut(ClientSettings settings, KimiResponseInfo info, ChatCompletionAccumulator accumulator, TimeSpan limit, string what, Exception inner) =>
        new($"The {settings.Profile.DisplayName} stream timed out after {limit.TotalSeconds:0.###} s: {what}. What arrived is in PartialCompletion; " +
            $"raise the limit in KimiClientOptions.Resilience or retry.{(info.RequestId is null ? string.Empty : $" Request id: {info.RequestId}.")}",
            settings.Profile, limit, info.RequestId, accumulator.ToPartialCompletion(), inner);

    private static ChatCompletionUpdate Check(
        ParsedEvent parsed, ClientSettings settings, KimiResponseInfo info, ChatCompletionAccumulator accumulator, IReadOnlyList<KimiAttempt> attempts, int eventNumber)
    {
        switch (parsed.Kind)
        {
            case ParsedKind.Update:
                return parsed.Update!;
            case ParsedKind.Error:
                var error = parsed.Error!;
                if (parsed.Update is { } partial)
                {
                    accumulator.Append(partial); // what the error chunk itself carried (OpenRouter: a choice ending "error")
                }

                accumulator.EndWith("error"); // the partial ended in error, whether or not the event said so (FinishReason.Error)

                throw WithAttempts(KimiErrorFactory.Create(
                    settings.Profile, KimiErrorFactory.StatusForStreamError(settings.Profile, error), error, info.RequestId, null, settings.Scrubber,
                    accumulator.ToPartialCompletion(), isStreamError: true), attempts, settings);
            default:
                throw WithAttempts(new KimiResponseFormatException(
                    $"{settings.Profile.DisplayName} sent an event Kimi.Client cannot read{Where(parsed, settings, eventNumber)}: {settings.Scrubber.Scrub(parsed.Problem)}. " +
                    $"This is a provider or proxy fault; the partial result is on the exception.{(info.RequestId is null ? string.Empty : $" Request id: {info.RequestId}.")}",
                    settings.Profile, info.RequestId, accumulator.ToPartialCompletion()), attempts, settings);
        }
    }

    /// <summary>" (event 3, chunk "id", payload: …)": which event failed, with a short, key-scrubbed excerpt. Error path only.</summary>
    private static string Where(ParsedEvent parsed, ClientSettings settings, int eventNumber)
    {
        var parts = new List<string>(3);
        if (eventNumber > 0)
        {
            parts.Add($"event {eventNumber}");
        }

        if (parsed.ChunkId is { Length: > 0 } id)
        {
            parts.Add($"chunk \"{Shorten(settings.Scrubber.Scrub(id), 64)}\"");
        }

        if (parsed.Payload is { Length: > 0 } payload)
        {
            // Scrub the whole capture first (a key cut by the excerpt would escape), then shorten, then scrub the cut.
            var excerpt = Shorten(settings.Scrubber.Scrub(payload.ReplaceLineEndings(" ")), MaxExcerptLength);
            parts.Add($"payload: {settings.Scrubber.Scrub(excerpt)}");
        }

        return parts.Count == 0 ? string.Empty : $" ({string.Join(", ", parts)})";
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static KimiStreamIncompleteException Incomplete(ClientSettings settings, KimiResponseInfo info, ChatCompletionAccumulator accumulator, string what, Exception? inner) =>
        new($"The {settings.Profile.DisplayName} stream was cut: {what}. The text, reasoning, tool calls and usage received so far are in PartialCompletion; " +
            $"retry the call to get a complete answer.{(info.RequestId is null ? string.Empty : $" Request id: {info.RequestId}.")}",
            settings.Profile, info.RequestId, accumulator.ToPartialCompletion(), inner);
}
