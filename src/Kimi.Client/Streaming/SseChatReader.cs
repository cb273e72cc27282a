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
/// <remarks>
/// Written by hand rather than as an async iterator: an event the SSE parser already has is read, checked and handed out
/// without a state machine of our own stepping on every chunk (an iterator's step, with its execution-context save and
/// restore, was a tenth of a streamed call's own time). Only a read that waits takes the async path. Whatever ends the
/// stream (its end, a failure, the caller's dispose) lets go of the response, the limits' timers and the rate-limit lease.
/// </remarks>
internal sealed class SseChatReader : IAsyncEnumerator<ChatCompletionUpdate>
{
    /// <summary>The longest payload excerpt quoted in a format error.</summary>
    internal const int MaxExcerptLength = 120;

    private readonly TransportResult _sent;
    private readonly StreamState _state;
    private readonly ILogger _logger;
    private readonly CancellationToken _cancellationToken;
    private readonly ClientSettings _settings;
    private readonly KimiResponseInfo _info;
    private readonly IReadOnlyList<KimiAttempt> _attempts;
    private readonly ChatCompletionAccumulator _accumulator;
    private readonly InlineReasoningSplitter? _splitter; // inline reasoning: null unless the host opts in, so it costs nothing otherwise
    private readonly KimiResilienceOptions _limits;
    private ChunkParser? _parser;
    private StreamWatchdog? _watchdog;
    private CancellationTokenSource? _streamLimit;
    private CancellationTokenSource? _linked;
    private CancellationToken _token;
    private IAsyncEnumerator<SseItem<ParsedEvent>>? _events;
    private ChatCompletionUpdate? _current;
    private Phase _phase;
    private bool _received;
    private bool _sawDone;
    private int _eventNumber; // 1-based position of the SSE event, quoted in format errors (conformance 22)

    public SseChatReader(TransportResult sent, StreamState state, ILogger logger, CancellationToken cancellationToken)
    {
        _sent = sent;
        _state = state;
        _logger = logger;
        _cancellationToken = cancellationToken;
        _settings = sent.Settings;
        _info = sent.Info;
        _attempts = sent.Budget.Attempts;
        _accumulator = state.Accumulator;
        _splitter = state.Splitter;
        _limits = _settings.Options.Resilience;
        state.Response = _info;
    }

    private enum Phase
    {
        NotStarted,
        Reading,
        LastHeld, // the splitter's held-back text was handed out; the completion follows
        Ended,
    }

    private enum Step
    {
        Next,
        Yield,
        End,
    }

    public ChatCompletionUpdate Current => _current!;

    public ValueTask<bool> MoveNextAsync()
    {
        if (_phase != Phase.Reading)
        {
            return _phase switch
            {
                Phase.NotStarted => StartAsync(),
                Phase.LastHeld => Finish(),
                _ => new ValueTask<bool>(false),
            };
        }

        // Failures come back in the task, never thrown from this call, as an iterator's would (a caller may hold the task).
        try
        {
            while (true)
            {
                var next = _events!.MoveNextAsync();
                if (!next.IsCompletedSuccessfully)
                {
                    return ReadAsync(next); // a read that waits, or a failure to translate
                }

                switch (OnEvent(next.Result))
                {
                    case Step.Yield:
                        return new ValueTask<bool>(true);
                    case Step.End:
                        return EndAsync();
                }
            }
        }
        catch (Exception ex)
        {
            Close();
            return ValueTask.FromException<bool>(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _phase = Phase.Ended;
        if (_events is { } events)
        {
            _events = null;
            try
            {
                await events.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                Close();
            }
        }
        else
        {
            Close();
        }
    }

    private async ValueTask<bool> StartAsync()
    {
        _phase = Phase.Reading;
        try
        {
            var response = _sent.Response;

            // A server that ignored "stream": true answers with one JSON document, read and parsed by the transport's try (an
            // error body, even with 200, was classified and retried there like its status): treat it as a one-update stream.
            if (_sent.Attempt.Parsed is { } whole)
            {
                var update = Check(whole, eventNumber: 0);
                update = _splitter?.SplitWhole(update) ?? update;
                _accumulator.Append(update);
                _state.Completion = Stamp(_accumulator.ToCompletion(), _attempts);
                _splitter?.Stamp(_state.Completion);
                _sent.Lease?.Release(_state.Completion.Usage);
                Close();
                _current = update;
                return true;
            }

            if (_sent.Attempt.BodyFailure is { } failure)
            {
                throw WithAttempts(failure switch
                {
                    BodyStalledException stalled => TimedOut(_limits.FirstChunkTimeout, "the response body did not arrive", stalled),
                    BodyTooLargeException tooLarge => TooLarge(tooLarge.Limit, "response"),
                    _ => ChatResponseReader.BodyFailed(_settings, _info, failure),
                });
            }

            // An HTML page (a login portal, a proxy's error page, a wrong path) is not a stream that was cut: say what it is.
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (mediaType is not (null or "text/event-stream" or "text/plain" or "application/x-ndjson" or "application/octet-stream"))
            {
                throw WithAttempts(new KimiResponseFormatException(
                    $"{_settings.Profile.DisplayName} answered {(int)response.StatusCode} with {mediaType}, which is not an event stream. Check KimiClientOptions.Endpoint " +
                    $"points at an OpenAI-compatible /v1 base URL (it is {_settings.LoggableEndpoint}).{ChatResponseReader.RequestIdSentence(_info)}",
                    _settings.Profile, _info.RequestId, _accumulator.ToPartialCompletion()));
            }

            // The stream's own clock: time to the first event, then the longest wait for the server, and an optional total.
            _watchdog = new StreamWatchdog(_limits.FirstChunkTimeout, _settings.Time);
            _streamLimit = _limits.StreamTimeout is { } total ? new CancellationTokenSource(total, _settings.Time) : null;
            _linked = _cancellationToken.CanBeCanceled || _streamLimit is not null
                ? CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken, _watchdog.Token, _streamLimit?.Token ?? CancellationToken.None)
                : null; // nothing to link when only the watchdog can cancel
            _token = _linked?.Token ?? _watchdog.Token;

            // Any bytes are life and end a wait, keep-alive comments included (OpenRouter's ": OPENROUTER PROCESSING" often comes
            // several times before the first event): the first-event limit until one arrives, then the silence limit.
            // StreamTimeout still bounds a stream of nothing but comments. No event may outgrow its size limit.
            var stream = new StreamGuard(await response.Content.ReadAsStreamAsync(_token).ConfigureAwait(false), _settings.Options.Limits.MaxStreamEventBytes, _watchdog);
            _parser = new ChunkParser(_info, _settings.Origin, _settings.Profile) { KeepUnknownFields = _settings.Options.IncludeUnknownStreamFields };
            _events = SseParser.Create(stream, _parser.ParseSseEvent).EnumerateAsync(_token).GetAsyncEnumerator(_token);
        }
        catch
        {
            Close();
            throw;
        }

        return await MoveNextAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The slow path: a read that has to wait (and any failure of the SSE parser, translated here). Its state-machine boxes
    /// are pooled: on a real network most reads wait, and an iterator would have reused itself rather than allocate one each.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadAsync(ValueTask<bool> next)
    {
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await next.ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!_cancellationToken.IsCancellationRequested && _token.IsCancellationRequested)
                {
                    var (limit, what) = _streamLimit?.IsCancellationRequested == true
                        ? (_limits.StreamTimeout!.Value, "the stream ran past its total time limit (Resilience.StreamTimeout)")
                        : _received
                            ? (_limits.IdleTimeout, "the stream went silent (Resilience.IdleTimeout)")
                            : (_limits.FirstChunkTimeout, "no event arrived after the response started (Resilience.FirstChunkTimeout)");
                    throw WithAttempts(TimedOut(limit, what, ex));
                }
                catch (EventTooLargeException ex)
                {
                    throw WithAttempts(TooLarge(ex.Limit, "stream event"));
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !_token.IsCancellationRequested)
                {
                    if (!_accumulator.HasFinishReason)
                    {
                        throw WithAttempts(Incomplete("the connection failed mid-stream", ex));
                    }

                    // The answer had finished; only [DONE] (and perhaps a usage chunk) was lost: return it flagged (conformance 27).
                    return await EndAsync().ConfigureAwait(false);
                }

                switch (OnEvent(more))
                {
                    case Step.Yield:
                        return true;
                    case Step.End:
                        return await EndAsync().ConfigureAwait(false);
                }

                next = _events!.MoveNextAsync();
            }
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <summary>One event from the SSE parser (or its end): hand an update out, read on, or end.</summary>
    private Step OnEvent(bool more)
    {
        if (!more)
        {
            return Step.End;
        }

        var parsed = _events!.Current.Data;
        _eventNumber++;
        if (!_received)
        {
            // The first event switches the clock from the first-event limit to the silence limit. Only waits for the server
            // are timed (StreamGuard), never the caller's time with an update: nothing to pause or restart per event.
            _received = true;
            _watchdog!.SetLimit(_limits.IdleTimeout);
        }

        var update = parsed.Update;
        if (parsed.Kind != ParsedKind.Update)
        {
            switch (parsed.Kind)
            {
                case ParsedKind.Skip:
                    return Step.Next;
                case ParsedKind.Done:
                    _sawDone = true;
                    return Step.End;
                default:
                    update = Check(parsed, _eventNumber); // throws: a provider error or an unreadable event
                    break;
            }
        }

        if (_splitter is not null)
        {
            // A null test, not "is not { } split": Stryker's "is not" → "is" mutant leaves such a local unassigned (CS0165).
            var split = _splitter.Split(update!);
            if (split is null)
            {
                return Step.Next; // all of it held back: it may be the start of a tag
            }

            update = split;
        }

        _accumulator.Append(update!);
        _current = update;
        return Step.Yield;
    }

    /// <summary>The events ended (<c>[DONE]</c>, the end of the body, or a loss after the finish): check what arrived.</summary>
    private ValueTask<bool> EndAsync()
    {
        var events = _events!;
        _events = null;
        var disposing = events.DisposeAsync();
        return disposing.IsCompletedSuccessfully ? new ValueTask<bool>(End()) : EndAfterAsync(disposing);
    }

    /// <summary>The completion after the splitter's held-back update was handed out.</summary>
    private ValueTask<bool> Finish()
    {
        try
        {
            return new ValueTask<bool>(Complete());
        }
        catch (Exception ex)
        {
            Close();
            return ValueTask.FromException<bool>(ex);
        }
    }

    private async ValueTask<bool> EndAfterAsync(ValueTask disposing)
    {
        try
        {
            await disposing.ConfigureAwait(false);
            return End();
        }
        catch
        {
            Close();
            throw;
        }
    }

    private bool End()
    {
        if (!_sawDone)
        {
            if (!_accumulator.HasFinishReason)
            {
                throw WithAttempts(Incomplete("the stream ended without a finish reason or [DONE]", null));
            }

            KimiLog.StreamEndedWithoutDone(_logger, _settings.Profile.DisplayName, _info.RequestId);
        }
        else if (!_accumulator.HasFinishReason)
        {
            // [DONE] arrived but the answer never finished (conformance 27 spirit): return it, flagged, not as complete.
            KimiLog.StreamEndedWithoutFinishReason(_logger, _settings.Profile.DisplayName, _info.RequestId);
        }

        if (_splitter?.Complete(_accumulator) is { } last)
        {
            _accumulator.Append(last); // held-back text, or unterminated reasoning given back as text
            _current = last;
            _phase = Phase.LastHeld;
            return true;
        }

        return Complete();
    }

    private bool Complete()
    {
        _state.Completion = Stamp(_accumulator.Build(isIncomplete: !_sawDone || !_accumulator.HasFinishReason), _attempts);
        _splitter?.Stamp(_state.Completion);
        _sent.Response.Dispose(); // the body is let go before the concurrency slot, so a call waiting for the slot never overlaps this one
        _sent.Lease?.Release(_state.Completion.Usage);
        Close();
        return false;
    }

    /// <summary>
    /// Lets go of everything the stream held (idempotent): the SSE parser (its pooled line buffer), the clocks, the response,
    /// then the rate-limit lease (the body before the slot, so a call waiting for the slot never overlaps this one).
    /// </summary>
    private void Close()
    {
        _phase = Phase.Ended;
        _current = null;
        if (_events is { } events)
        {
            // Only after a failure: the parser is suspended at an event, or finished, so its dispose completes at once.
            _events = null;
            try
            {
                var disposing = events.DisposeAsync();
                if (!disposing.IsCompleted)
                {
                    _ = disposing.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                }
            }
            catch (Exception)
            {
                // the stream already failed; the parser's own failure to let go says nothing more
            }
        }

        _linked?.Dispose();
        _streamLimit?.Dispose();
        _watchdog?.Dispose();
        _sent.Response.Dispose();
        _sent.Lease?.Dispose(); // a concurrency slot is held until the stream ends or is disposed
    }

    private static ChatCompletion Stamp(ChatCompletion completion, IReadOnlyList<KimiAttempt> attempts)
    {
        completion.Attempts = attempts;
        return completion;
    }

    private KimiException WithAttempts(KimiException exception)
    {
        exception.Attempts = _attempts;
        exception.Scrubber ??= _settings.Scrubber;
        return exception;
    }

    private KimiResponseTooLargeException TooLarge(long limit, string what) =>
        new($"{_settings.Profile.DisplayName} sent a {what} larger than {ChatResponseReader.Size(limit)}; reading stopped there and what arrived before is in PartialCompletion. " +
            $"Raise KimiClientOptions.Limits.{(what == "response" ? "MaxResponseBytes" : "MaxStreamEventBytes")} if that is expected.{ChatResponseReader.RequestIdSentence(_info)}",
            _settings.Profile, limit, _info.RequestId, _accumulator.ToPartialCompletion());

    private KimiTimeoutException TimedOut(TimeSpan limit, string what, Exception inner) =>
        new($"The {_settings.Profile.DisplayName} stream timed out after {limit.TotalSeconds:0.###} s: {what}. What arrived is in PartialCompletion; " +
            $"raise the limit in KimiClientOptions.Resilience or retry.{ChatResponseReader.RequestIdSentence(_info)}",
            _settings.Profile, limit, _info.RequestId, _accumulator.ToPartialCompletion(), inner);

    private KimiStreamIncompleteException Incomplete(string what, Exception? inner) =>
        new($"The {_settings.Profile.DisplayName} stream was cut: {what}. The text, reasoning, tool calls and usage received so far are in PartialCompletion; " +
            $"retry the call to get a complete answer.{ChatResponseReader.RequestIdSentence(_info)}",
            _settings.Profile, _info.RequestId, _accumulator.ToPartialCompletion(), inner);

    /// <summary>An update's event as it is; a provider error or an unreadable event thrown as the typed exception, with the partial result.</summary>
    private ChatCompletionUpdate Check(ParsedEvent parsed, int eventNumber)
    {
        switch (parsed.Kind)
        {
            case ParsedKind.Update:
                return parsed.Update!;
            case ParsedKind.Error:
                var error = parsed.Error!;
                if (parsed.Update is { } partial)
                {
                    _accumulator.Append(partial); // what the error chunk itself carried (OpenRouter: a choice ending "error")
                }

                _accumulator.EndWith("error"); // the partial ended in error, whether or not the event said so (FinishReason.Error)

                throw WithAttempts(KimiErrorFactory.Create(
                    _settings.Profile, KimiErrorFactory.StatusForStreamError(_settings.Profile, error), error, _info.RequestId, null, _settings.Scrubber,
                    _accumulator.ToPartialCompletion(), isStreamError: true));
            default:
                throw WithAttempts(new KimiResponseFormatException(
                    $"{_settings.Profile.DisplayName} sent an event Kimi.Client cannot read{Where(parsed, eventNumber)}: {_settings.Scrubber.Scrub(parsed.Problem)}. " +
                    $"This is a provider or proxy fault; the partial result is on the exception.{ChatResponseReader.RequestIdSentence(_info)}",
                    _settings.Profile, _info.RequestId, _accumulator.ToPartialCompletion()));
        }
    }

    /// <summary>" (event 3, chunk "id", payload: …)": which event failed, with a short, key-scrubbed excerpt. Error path only.</summary>
    private string Where(ParsedEvent parsed, int eventNumber)
    {
        var scrubber = _settings.Scrubber;
        var parts = new List<string>(3);
        if (eventNumber > 0)
        {
            parts.Add($"event {eventNumber}");
        }

        if (parsed.ChunkId is { Length: > 0 } id)
        {
            parts.Add($"chunk \"{Shorten(scrubber.Scrub(id), 64)}\"");
        }

        if (parsed.Payload is { Length: > 0 } payload)
        {
            // Scrub the whole capture first (a key cut by the excerpt would escape), then shorten, then scrub the cut.
            var excerpt = Shorten(scrubber.Scrub(payload.ReplaceLineEndings(" ")), MaxExcerptLength);
            parts.Add($"payload: {scrubber.Scrub(excerpt)}");
        }

        return parts.Count == 0 ? string.Empty : $" ({string.Join(", ", parts)})";
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
