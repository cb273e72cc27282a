using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using Kimi.Client.Diagnostics;
using Kimi.Client.Errors;
using Kimi.Client.RateLimiting;
using Kimi.Client.Resilience;
using Kimi.Client.Serialization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;

namespace Kimi.Client.Http;

/// <summary>What a successful send produced, as its readers see it: the answering try (headers read; a whole JSON body already parsed) and who answered.</summary>
internal readonly struct TransportResult(AttemptResult attempt)
{
    /// <summary>The try that answered; a whole JSON answer's parse (<see cref="AttemptResult.Parsed"/>) or body failure travels in it.</summary>
    public AttemptResult Attempt { get; } = attempt;

    public ClientSettings Settings => Attempt.Budget.Target!;

    public AttemptBudget Budget => Attempt.Budget;

    public HttpResponseMessage Response => Attempt.Response;

    public KimiResponseInfo Info => Attempt.Info;

    /// <summary>The client-side rate-limit lease, held until the body is read or the stream's enumerator is disposed.</summary>
    public KimiRateLimitLease? Lease => Attempt.Budget.Lease;
}

/// <summary>
/// Sends a call one way through the house: for each host in order (the primary, then failover targets), build that
/// host's request, wait for a rate-limit slot, send it through the retry policy, and either hand the answer back or turn
/// the host's error (read and classified once by the try itself) into the one exception the call ends with — or move on
/// to the next host when the error is temporary. It only ever moves on before the response starts, so no output reaches
/// the caller twice. Every try comes out of one <see cref="AttemptBudget"/>. The usual call (one host, no client-side rate
/// limit, no media to download, the retry policy on) starts as its first try alone, in one async frame: only an outcome
/// other than a clean answer goes on into the loop, which takes it as the first try's.
/// </summary>
internal sealed class KimiTransport
{
    // Request headers are added as their wire text, unparsed: typed header objects cost a parse-state object each on every
    // request and are formatted back into this same text when the request is written.
    private const string AcceptJson = "application/json";
    private const string AcceptEventStream = "text/event-stream";
    private static readonly string UserAgent = "Kimi.Client/" + (typeof(KimiTransport).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");
    private static readonly int[] PrimaryOnly = [0];

    private readonly HttpClient _http;
    private readonly ClientSettings[] _targets;
    private readonly long[] _coolingUntil;
    private readonly KimiRateLimiter?[] _limiters;
    private readonly ILogger _logger;

    public KimiTransport(HttpClient http, ClientSettings primary, ILogger logger)
    {
        _http = http;
        _logger = logger;
        Time = primary.Time;
        _targets = primary.Targets;
        _coolingUntil = primary.CoolingUntil;
        _limiters = Array.ConvertAll(_targets, static target => target.RateLimiter);
        StartsAsFirstTry = _targets.Length == 1 && _limiters[0] is null && primary.Options.Resilience.Enabled;
    }

    public TimeProvider Time { get; }

    /// <summary>One host, no client-side rate limit, the retry policy on: a call without media to download starts as its first try alone.</summary>
    public bool StartsAsFirstTry { get; }

    public ClientSettings Primary => _targets[0];

    /// <summary>
    /// Sends one call: <paramref name="primaryRequest"/> as the client validated it, and for failover targets the conversation
    /// and options it came from. The answering try comes back with its call's attempts, host and lease (<see cref="AttemptResult.Budget"/>).
    /// </summary>
    public ValueTask<AttemptResult> SendAsync(ChatRequest primaryRequest, KimiMessage[] messages, ChatCompletionOptions? callOptions, CancellationToken cancellationToken)
    {
        var budget = new AttemptBudget(Primary.Options.Resilience, Time, primaryRequest.Stream) { Target = Primary };
        return StartsAsFirstTry && primaryRequest.MediaToDownload is null
            ? SendOnceAsync(Primary, primaryRequest, budget, cancellationToken, firstOfCall: true)
            : SendAnyAsync(primaryRequest, messages, callOptions, budget, firstTry: null, cancellationToken);
    }

    /// <summary>
    /// The whole call: every host in order, each with its retries. <paramref name="firstTry"/>: the outcome of the call's first
    /// try when it ran already (<see cref="SendOnceAsync"/> as the call's first try), taken as the primary's first.
    /// </summary>
    private async ValueTask<AttemptResult> SendAnyAsync(
        ChatRequest primaryRequest, KimiMessage[] messages, ChatCompletionOptions? callOptions, AttemptBudget budget, Outcome<AttemptResult>? firstTry, CancellationToken cancellationToken)
    {
        using var ownedBudget = budget; // its total-limit timer, if made; the attempts outlive it
        var options = Primary.Options.Resilience;
        var order = Order();

        // The call's total limit needs a timer of its own only when something runs beyond one try; one try's timer is set
        // to whichever of its response limit and the total limit ends first (TryTimer).
        var token = order.Length > 1 || _limiters[order[0]] is not null || primaryRequest.MediaToDownload is not null || !options.Enabled
            ? budget.CallToken(cancellationToken)
            : cancellationToken;
        KimiException? last = null;

        for (var position = 0; position < order.Length; position++)
        {
            var index = order[position];
            var target = _targets[index];
            if (last is not null && !budget.CanTryAgain(TimeSpan.Zero))
            {
                break;
            }

            budget.Target = target;
            ChatRequest request;
            try
            {
                request = index == 0 ? primaryRequest : ChatRequest.Create(target, messages, callOptions, primaryRequest.Stream, _logger);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                budget.Record(null, KimiAttemptOutcome.Skipped, target.Scrubber.Scrub(ex.Message));
                continue; // this host cannot take the call as asked (e.g. preserved thinking unconfirmed there)
            }

            if (request.MediaToDownload is not null)
            {
                try
                {
                    await MediaDownloader.InlineAsync(request, _http, token).ConfigureAwait(false); // http(s) media inlined for hosts that do not fetch URLs
                }
                catch (OperationCanceledException ex) when (budget.TotalSpent && !cancellationToken.IsCancellationRequested)
                {
                    budget.Record(null, KimiAttemptOutcome.NotSent, "total time budget spent downloading media");
                    throw WithAttempts(TotalSpent(target, options, ex), budget, target);
                }
            }

            budget.ReservedForFailover = order.Length - 1 - position;
            if (position > 0 || request.MediaToDownload is not null)
            {
                budget.BeginAttempt(); // otherwise nothing ran since the budget began: its start is this try's (one clock read less)
            }

            var hasNext = position < order.Length - 1;
            KimiRateLimitLease? lease = null;
            try
            {
                if (_limiters[index] is { } limiter)
                {
                    (lease, var refusal) = await AcquireAsync(limiter, target, request, budget, cancellationToken, token).ConfigureAwait(false);
                    if (refusal is not null)
                    {
                        last = refusal;
                        if (!hasNext)
                        {
                            throw WithAttempts(refusal, budget, target);
                        }

                        continue;
                    }
                }

                // The first try runs here (or, for a call that started as its first try, its outcome is taken as this host's first); the
                // retry policy takes over (once) only when its outcome may be retried: most calls never get there.
                AttemptResult result = default;
                Exception? lost = null; // a first try that failed in a way worth another (a connection lost, no response in time)
                try
                {
                    result = position == 0 && index == 0 && firstTry is { } given ? Replayed(given) : await SendOnceAsync(target, request, budget, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (options.Enabled && KimiResiliencePipeline.IsTransportFailure(ex))
                {
                    lost = ex;
                }

                if (options.Enabled && (lost is not null || KimiResiliencePipeline.MayRetry(result)))
                {
                    var first = lost is null ? Outcome.FromResult(result) : Outcome.FromException<AttemptResult>(lost);
                    result = await RetryAsync(target, request, budget, first, cancellationToken).ConfigureAwait(false);
                }

                if (result.IsSuccess)
                {
                    budget.Record(result.Status, KimiAttemptOutcome.Succeeded, "ok");
                    budget.Lease = lease; // handed over with the answer
                    lease = null;
                    return result;
                }

                using (result)
                {
                    var note = result.Status == HttpStatusCode.Unauthorized ? await ProbeOtherRegionAsync(target, budget.CallToken(cancellationToken)).ConfigureAwait(false) : null;
                    var error = KimiErrorFactory.Create(target.Profile, result.Status, result.Error!, result.Info.RequestId, result.RetryAfter, target.Scrubber, authenticationNote: note);
                    KimiLog.CallFailed(_logger, target.Profile.DisplayName, (int)result.Status, error.Error.ToString(), result.Info.RequestId);
                    if (hasNext && (result.Verdict != ErrorVerdict.Final || error is KimiModelNotFoundException or KimiInsufficientCreditsException))
                    {
                        budget.Record(result.Status, KimiAttemptOutcome.FailedOver, Describe(error));
                        CoolDown(index);
                        last = error;
                        continue;
                    }

                    budget.Record(result.Status, KimiAttemptOutcome.Failed, Describe(error));
                    throw WithAttempts(error, budget, target);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && !budget.TotalSpent && Failure(ex, target, request) is { } failure)
            {
                var (outcome, exception) = failure;
                budget.Record(null, hasNext && outcome != KimiAttemptOutcome.Failed ? KimiAttemptOutcome.FailedOver : KimiAttemptOutcome.Failed, Describe(exception));
                if (!hasNext || outcome == KimiAttemptOutcome.Failed)
                {
                    throw WithAttempts(exception, budget, target);
                }

                last = exception;
                CoolDown(index);
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutRejectedException && budget.TotalSpent && !cancellationToken.IsCancellationRequested)
            {
                budget.Record(null, KimiAttemptOutcome.Failed, "total time budget spent");
                throw WithAttempts(TotalSpent(target, options, ex), budget, target);
            }
            finally
            {
                // Not sent, or answered with an error: no tokens were generated.
                lease?.Settle(0);
                lease?.Dispose();
            }
        }

        last ??= new KimiException("Every host was skipped: none could take this call as asked (see Attempts).", Primary.Profile);
        throw WithAttempts(last, budget, Primary);
    }

    /// <summary>The rest of one host's tries, after a first that may be retried; they and their delays run under the call's total limit.</summary>
    private ValueTask<AttemptResult> RetryAsync(ClientSettings target, ChatRequest request, AttemptBudget budget, Outcome<AttemptResult> first, CancellationToken cancellationToken) =>
        KimiResiliencePipeline.RetryAsync(
            Primary, budget, first, static (state, token) => state.Transport.SendOnceAsync(state.Target, state.Request, state.Budget, token),
            (Transport: this, Target: target, Request: request, Budget: budget), budget.CallToken(cancellationToken)); // the primary's settings carry the policy

    /// <summary>
    /// One HTTP try, under its own time limit (<see cref="TryTimer"/>). An error answer is read (bounded), parsed, scrubbed
    /// and classified here, once. As a call's first try (<paramref name="firstOfCall"/>, one host only) it is the call: a
    /// clean answer is recorded and handed back; any other outcome, an exception too, goes on into the loop
    /// (<see cref="SendAnyAsync"/>) as its first try's, where retries and errors are decided as for any other call.
    /// </summary>
    private async ValueTask<AttemptResult> SendOnceAsync(ClientSettings target, ChatRequest request, AttemptBudget budget, CancellationToken cancellationToken, bool firstOfCall = false)
    {
        var limit = TryTimer.Start(target, budget, cancellationToken);
        AttemptResult result = default;
        Exception? failed = null;
        try
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, target.ChatCompletionsUri) { Content = new ChatRequestContent(request) };
            if (target.AuthorizationHeader is { } authorization)
            {
                message.Headers.TryAddWithoutValidation("Authorization", authorization);
            }

            message.Headers.TryAddWithoutValidation("Accept", request.Stream ? AcceptEventStream : AcceptJson);
            message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            if (request.SessionId is { } session && target.Profile.SessionIdHeader is { } sessionHeader)
            {
                message.Headers.TryAddWithoutValidation(sessionHeader, session); // Cloudflare's x-session-affinity: same replica, warm prompt cache
            }

            target.Profile.Attribution?.AddTo(message.Headers); // OpenRouter's app attribution, validated at start

            // The clock is read only for the debug line: two clock reads a call otherwise spent on a message nobody keeps.
            var started = _logger.IsEnabled(LogLevel.Debug) ? Stopwatch.GetTimestamp() : 0;
            var response = await limit.Timed(_http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, limit.Token)).ConfigureAwait(false);
            var info = ResponseInfo.Read(target, response);
            if (started != 0)
            {
                KimiLog.ResponseReceived(_logger, target.LoggableChatCompletionsUri, target.Profile.Dialect, target.Model, request.Stream,
                    (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, info.RequestId);
            }

            if (!AttemptResult.IsAnswer(response))
            {
                result = await limit.Timed(ErrorAnswer.ReadAsync(target, response, info, budget, limit.Token)).ConfigureAwait(false);
            }
            else if (request.Stream && !IsJson(response))
            {
                result = new AttemptResult(response, info, budget); // an event stream is read by the caller
            }
            else
            {
                // A whole JSON answer is read here, so an error in a 2xx body is retried like its status.
                PooledBody body = default;
                Exception? bodyFailure = null;
                try
                {
                    // Non-streamed: the body follows the headers with no long pause. A JSON body to a streaming request: its first chunk's limit.
                    var limits = target.Options.Resilience;
                    body = await limit.Timed(BodyReader.ReadAsync(
                        response.Content, target.Options.Limits.MaxResponseBytes, request.Stream ? limits.FirstChunkTimeout : limits.IdleTimeout, Time, limit.Token)).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is BodyTooLargeException or BodyStalledException || (ex is HttpRequestException or IOException && !limit.Token.IsCancellationRequested))
                {
                    bodyFailure = ex;
                }
                catch
                {
                    response.Dispose();
                    throw;
                }

                if (bodyFailure is not null)
                {
                    result = new AttemptResult(response, info, budget) { BodyFailure = bodyFailure }; // handed on for the reader to report
                }
                else
                {
                    using (body)
                    {
                        result = WholeAnswer(target, budget, response, info, body, request.Stream);
                    }
                }
            }
        }
        catch (OperationCanceledException ex) when (limit.ResponseLimitEnded(budget))
        {
            var timeout = limit.Timeout(ex);
            if (!firstOfCall)
            {
                throw timeout;
            }

            failed = ExceptionDispatchInfo.SetCurrentStackTrace(timeout); // handed on unthrown: its trace is this try's, as if thrown here
        }
        catch (Exception ex) when (firstOfCall)
        {
            failed = ex;
        }
        finally
        {
            limit.Dispose();
        }

        if (!firstOfCall)
        {
            return result;
        }

        if (failed is null && result.IsSuccess)
        {
            // Nothing on this path asks for the budget's total-limit timer (AttemptBudget.CallToken), so the budget has nothing to dispose.
            budget.Record(result.Status, KimiAttemptOutcome.Succeeded, "ok");
            return result;
        }

        Debug.Assert(StartsAsFirstTry, "only a one-host call starts as its first try: the loop makes no other host's request from it");
        return await SendAnyAsync(request, [], null, budget, failed is null ? Outcome.FromResult(result) : Outcome.FromException<AttemptResult>(failed), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A first try's outcome taken by the loop as if the try ran there: its result, or its exception thrown again.</summary>
    private static AttemptResult Replayed(Outcome<AttemptResult> outcome)
    {
        outcome.ThrowIfException();
        return outcome.Result;
    }

    /// <summary>
    /// Opt-in (<see cref="KimiClientOptions.ProbeOtherRegionOn401"/>): asks the host's other region whether it knows the key,
    /// with one <c>GET /models</c>; the sentence to add to the 401's message, or <see langword="null"/>.
    /// </summary>
    private async Task<string?> ProbeOtherRegionAsync(ClientSettings target, CancellationToken cancellationToken)
    {
        if (!target.Options.ProbeOtherRegionOn401 || target.Profile.OtherRegionEndpoint is not { } other || target.ApiKey is not { } key)
        {
            return null;
        }

        using var probe = new HttpRequestMessage(HttpMethod.Get, new Uri(other.AbsoluteUri.TrimEnd('/') + "/models"));
        probe.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        probe.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await _http.SendAsync(probe, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? $"The same key is accepted by {other.Host}: switch to the host of that region."
                : response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                    ? "The key is not accepted by either region."
                    : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null; // the probe is a hint; its own failure says nothing about the key
        }
    }

    /// <summary>
    /// Parses a whole JSON answer the try read. An error body (OpenRouter's <c>{"error":…}</c> with 200, Cloudflare's envelope)
    /// becomes an error result with the status it stands for, classified like that status. Synchronous, so a whole answer
    /// costs no async layer of its own.
    /// </summary>
    private static AttemptResult WholeAnswer(ClientSettings target, AttemptBudget budget, HttpResponseMessage response, KimiResponseInfo info, PooledBody body, bool streaming)
    {
        ParsedEvent parsed;
        try
        {
            // A non-streamed call's answer goes straight into its completion unless a splitter reads its text afterwards (it reads
            // an update; InlineReasoningSplitter.For makes one only for a profile with InlineReasoning).
            var direct = !streaming && !target.Profile.InlineReasoning;
            parsed = new ChunkParser(info, target.Origin, target.Profile) { KeepUnknownFields = true, CompletesWholeAnswers = direct }.ParseResponse(body.Bytes);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        if (parsed.Kind != ParsedKind.Error)
        {
            return new AttemptResult(response, info, budget) { Parsed = parsed };
        }

        try
        {
            var error = parsed.Error!.Scrubbed(target.Scrubber);
            return ErrorAnswer.Classified(target, response, info, budget, error, KimiErrorFactory.StatusForStreamError(target.Profile, error));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static bool IsJson(HttpResponseMessage response) => response.Content.Headers.ContentType?.MediaType is "application/json";

    private static async Task<(KimiRateLimitLease? Lease, KimiException? Refusal)> AcquireAsync(
        KimiRateLimiter limiter, ClientSettings target, ChatRequest request, AttemptBudget budget, CancellationToken callerToken, CancellationToken token)
    {
        TimeSpan wait;
        try
        {
            var lease = await limiter.AcquireAsync(target.RateLimitPartition!, ProviderRateLimiter.EstimateTokens(request), budget.Remaining, token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"{limiter.GetType().Name}.AcquireAsync returned null: return a lease, or KimiRateLimitLease.Refused(wait) when the call must not be sent.");
            if (lease.IsAcquired)
            {
                budget.BeginAttempt(); // the queue wait is not part of the try
                return (lease, null);
            }

            wait = lease.RetryAfter;
            lease.Dispose();
        }
        catch (OperationCanceledException) when (budget.TotalSpent && !callerToken.IsCancellationRequested)
        {
            wait = budget.Elapsed; // the budget ran out while queued for a slot
        }

        budget.Record(null, KimiAttemptOutcome.NotSent, $"the client-side rate limit needs {wait.TotalSeconds:0.###} s, more than the {budget.Remaining.TotalSeconds:0.###} s left");
        return (null, new KimiClientRateLimitException(
            $"Not sent: the client-side rate limit for {target.Profile.DisplayName} (KimiClientOptions.RateLimit) would hold this call for {wait.TotalSeconds:0.###} s, " +
            $"longer than the {budget.Remaining.TotalSeconds:0.###} s left of Resilience.TotalTimeout. Send fewer or smaller calls, raise the limit to your account's tier, or add a failover host.",
            target.Profile, wait));
    }

    /// <summary>What a failed try that produced no response means: the outcome (fail over, or end the call) and the exception.</summary>
    private (KimiAttemptOutcome Outcome, KimiException Exception)? Failure(Exception ex, ClientSettings target, ChatRequest request)
    {
        var options = target.Options.Resilience;
        switch (ex)
        {
            case TimeoutRejectedException:
                var limit = request.Stream ? options.StreamingResponseTimeout : options.ResponseTimeout;
                return (KimiAttemptOutcome.FailedOver, new KimiTimeoutException(
                    $"{target.Profile.DisplayName} did not answer within {limit.TotalSeconds:0} s on any try. Raise KimiClientOptions.Resilience.{(request.Stream ? "StreamingResponseTimeout" : "ResponseTimeout")}, or add a failover host.",
                    target.Profile, limit, innerException: ex));
            case TaskCanceledException { InnerException: TimeoutException }:
                // The caller's own HttpClient.Timeout (our clients set it to infinite).
                return (KimiAttemptOutcome.FailedOver, new KimiTimeoutException(
                    $"{target.Profile.DisplayName} did not answer before the HttpClient's own Timeout ({_http.Timeout.TotalSeconds:0} s) ran out. Set HttpClient.Timeout to " +
                    "Timeout.InfiniteTimeSpan and let KimiClientOptions.Resilience bound the call (long thinking calls outlast 100 s).",
                    target.Profile, _http.Timeout, innerException: ex));
            case not null when FindMediaSource(ex) is { } media:
                return (KimiAttemptOutcome.Failed, new KimiException(target.Scrubber.Scrub(media.Message) + " The call was not retried.", target.Profile, innerException: media.InnerException));
            case not null when KimiResiliencePipeline.IsTransportFailure(ex):
                return (KimiAttemptOutcome.FailedOver, new KimiConnectionException(
                    $"Could not reach {target.Profile.DisplayName} at {target.LoggableEndpoint}: {target.Scrubber.Scrub(ex.Message)} Check KimiClientOptions.Endpoint and the network, or add a failover host.",
                    target.Profile, ex));
            default:
                return null;
        }
    }

    private static MediaSourceException? FindMediaSource(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is MediaSourceException media)
            {
                return media;
            }
        }

        return null;
    }

    private static KimiTimeoutException TotalSpent(ClientSettings target, KimiResilienceOptions options, Exception ex) => new(
        $"No response from {target.Profile.DisplayName} within the {options.TotalTimeout.TotalSeconds:0} s budget for all tries. Raise KimiClientOptions.Resilience.TotalTimeout, or add a failover host.",
        target.Profile, options.TotalTimeout, innerException: ex);

    private static KimiException WithAttempts(KimiException exception, AttemptBudget budget, ClientSettings target)
    {
        exception.Attempts = budget.Attempts;
        exception.Scrubber ??= target.Scrubber;
        return exception;
    }

    /// <summary>Targets in order, those cooling down after a failure last (still tried when nothing else is left).</summary>
    private int[] Order()
    {
        if (_targets.Length == 1)
        {
            return PrimaryOnly;
        }

        var now = Time.GetTimestamp();
        var order = new int[_targets.Length];
        var next = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < _targets.Length; i++)
            {
                if ((Volatile.Read(ref _coolingUntil[i]) > now) == (pass == 1))
                {
                    order[next++] = i;
                }
            }
        }

        return order;
    }

    private void CoolDown(int index) =>
        Volatile.Write(ref _coolingUntil[index], Time.GetTimestamp() + (long)(Primary.Options.Resilience.FailoverCooldown.TotalSeconds * Time.TimestampFrequency));

    private static string Describe(KimiException ex) => ex switch
    {
        KimiRateLimitException { RetryAfter: { } wait } rate => $"{(int)rate.Status} {ex.GetType().Name}, Retry-After {wait.TotalSeconds:0.###} s",
        KimiApiException api => $"{(int)api.Status} {ex.GetType().Name}",
        KimiTimeoutException => "no response in time",
        KimiConnectionException => "connection failed",
        _ => ex.GetType().Name,
    };
}
