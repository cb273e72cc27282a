using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Kimi.Client.Diagnostics;
using Kimi.Client.Errors;
using Kimi.Client.RateLimiting;
using Kimi.Client.Resilience;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace Kimi.Client.Http;

/// <summary>What a successful send produced: the response (headers read, body unread) and who answered.</summary>
internal readonly record struct TransportResult(HttpResponseMessage Response, ClientSettings Settings, KimiResponseInfo Info, AttemptBudget Budget)
{
    /// <summary>The client-side rate-limit lease, held until the body is read or the stream's enumerator is disposed.</summary>
    public KimiRateLimitLease? Lease { get; init; }
}

/// <summary>
/// Sends a call to the primary provider and, when it is rate limited, failing, slow or unreachable, to the failover
/// targets in order — the outermost loop, sharing one <see cref="AttemptBudget"/> with the retry handler beneath it.
/// It only ever moves on before the response starts, so no output reaches the caller twice.
/// </summary>
internal sealed class KimiTransport
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptEventStream = new("text/event-stream");
    private static readonly ProductInfoHeaderValue UserAgent = new("Kimi.Client", typeof(KimiTransport).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly HttpClient _http;
    private readonly ClientSettings[] _targets;
    private readonly long[] _coolingUntil;
    private readonly ProviderRateLimiter?[] _limiters;
    private readonly ILogger _logger;

    public KimiTransport(HttpClient http, ClientSettings primary, ILogger logger)
    {
        _http = http;
        _logger = logger;
        Time = primary.Time;
        _targets = primary.Targets;
        _coolingUntil = primary.CoolingUntil;
        _limiters = Array.ConvertAll(_targets, ProviderRateLimiter.For);
    }

    public TimeProvider Time { get; }

    public ClientSettings Primary => _targets[0];

    public async Task<TransportResult> SendAsync(ChatRequest primaryRequest, Func<ClientSettings, ChatRequest> requestFor, CancellationToken cancellationToken)
    {
        var options = Primary.Options.Resilience;
        var budget = new AttemptBudget(options, Time, primaryRequest.Stream);
        using var total = new CancellationTokenSource(options.TotalTimeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token);
        KimiException? last = null;

        var order = Order();
        for (var position = 0; position < order.Length; position++)
        {
            var index = order[position];
            var target = _targets[index];
            if (last is not null && !budget.CanTryAgain(TimeSpan.Zero))
            {
                break;
            }

            ChatRequest request;
            try
            {
                request = index == 0 ? primaryRequest : requestFor(target);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                budget.Profile = target.Profile;
                budget.Endpoint = target.LoggableEndpoint;
                budget.Record(null, $"skipped: {ex.Message}");
                continue; // this target cannot take the call as asked (e.g. preserved thinking unconfirmed there)
            }

            if (request.MediaToDownload is not null)
            {
                await MediaDownloader.InlineAsync(request, _http, linked.Token).ConfigureAwait(false); // Moonshot: http(s) media inlined before sending
            }

            budget.Profile = target.Profile;
            budget.Endpoint = target.LoggableEndpoint;
            budget.ReservedForFailover = order.Length - 1 - position;
            budget.BeginAttempt();
            var hasNext = position < order.Length - 1;
            KimiRateLimitLease? lease = null;
            try
            {
                if (_limiters[index] is { } limiter)
                {
                    KimiRateLimitLease? acquired;
                    TimeSpan wait;
                    try
                    {
                        (acquired, wait) = await limiter.AcquireAsync(ProviderRateLimiter.EstimateTokens(request), budget.Remaining, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (total.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                    {
                        (acquired, wait) = (null, budget.Elapsed); // the budget ran out while queued for a slot
                    }

                    if (acquired is null)
                    {
                        budget.Record(null, $"not sent: the client-side rate limit needs {wait.TotalSeconds:0.###} s, more than the {budget.Remaining.TotalSeconds:0.###} s left");
                        last = new KimiClientRateLimitException(
                            $"Not sent: the client-side rate limit for {target.Profile.DisplayName} (KimiClientOptions.RateLimit) would hold this call for {wait.TotalSeconds:0.###} s, " +
                            $"longer than the {budget.Remaining.TotalSeconds:0.###} s left of Resilience.TotalTimeout. Send fewer or smaller calls, raise the limit to your account's tier, or add a failover provider.",
                            target.Profile, wait);
                        if (!hasNext)
                        {
                            last.Attempts = budget.Attempts;
                            throw last;
                        }

                        continue;
                    }

                    lease = acquired;
                    budget.BeginAttempt(); // the queue wait is not part of the try
                }

                var result = await SendOnceAsync(target, request, budget, linked.Token).ConfigureAwait(false);
                budget.Record(result.Response.StatusCode, "ok");
                var handedOver = result with { Lease = lease };
                lease = null;
                return handedOver;
            }
            catch (KimiApiException ex) when (hasNext && ShouldFailOver(ex))
            {
                budget.Record(ex.Status, $"failed over: {Describe(ex)}");
                CoolDown(index);
                last = ex;
            }
            catch (KimiApiException ex)
            {
                budget.Record(ex.Status, $"failed: {Describe(ex)}");
                ex.Attempts = budget.Attempts;
                throw;
            }
            catch (Exception ex) when (IsTransport(ex) && !cancellationToken.IsCancellationRequested && !total.IsCancellationRequested)
            {
                var timedOut = ex is TimeoutRejectedException;
                budget.Record(null, timedOut ? "no response in time" : $"connection failed: {target.Scrubber.Scrub(ex.Message)}");
                last = timedOut
                    ? new KimiTimeoutException(
                        $"{target.Profile.DisplayName} did not answer within {(request.Stream ? options.StreamingResponseTimeout : options.ResponseTimeout).TotalSeconds:0} s on any try. Raise KimiClientOptions.Resilience.{(request.Stream ? "StreamingResponseTimeout" : "ResponseTimeout")}, or add a failover provider.",
                        target.Profile, request.Stream ? options.StreamingResponseTimeout : options.ResponseTimeout, innerException: ex)
                    : new KimiConnectionException(
                        $"Could not reach {target.Profile.DisplayName} at {target.LoggableEndpoint}: {target.Scrubber.Scrub(ex.Message)} Check KimiClientOptions.Endpoint and the network, or add a failover provider.",
                        target.Profile, ex);
                if (!hasNext)
                {
                    last.Attempts = budget.Attempts;
                    throw last;
                }

                CoolDown(index);
            }
            catch (OperationCanceledException ex) when (total.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                budget.Record(null, "total time budget spent");
                throw new KimiTimeoutException(
                    $"No response from {target.Profile.DisplayName} within the {options.TotalTimeout.TotalSeconds:0} s budget for all tries. Raise KimiClientOptions.Resilience.TotalTimeout, or add a failover provider.",
                    target.Profile, options.TotalTimeout, innerException: ex) { Attempts = budget.Attempts };
            }
            finally
            {
                // Not sent, or answered with an error: no tokens were generated.
                lease?.Settle(0);
                lease?.Dispose();
            }
        }

        last ??= new KimiException("Every provider was skipped: none could take this call as asked (see Attempts).", Primary.Profile);
        last.Attempts = budget.Attempts;
        throw last;
    }

    private async Task<TransportResult> SendOnceAsync(ClientSettings target, ChatRequest request, AttemptBudget budget, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, target.ChatCompletionsUri) { Content = new ChatRequestContent(request) };
        message.Options.Set(AttemptBudget.Key, budget);
        if (target.ApiKey is { } key)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        message.Headers.Accept.Add(request.Stream ? AcceptEventStream : AcceptJson);
        message.Headers.UserAgent.Add(UserAgent);
        if (request.SessionId is { } session && target.Profile.SessionIdHeader is { } sessionHeader)
        {
            message.Headers.TryAddWithoutValidation(sessionHeader, session); // Cloudflare's x-session-affinity: same replica, warm prompt cache
        }

        var started = Stopwatch.GetTimestamp();
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        var info = new KimiResponseInfo(response.StatusCode, response.Headers, ResponseHelpers.ReadRequestId(target.Profile, response));
        KimiLog.ResponseReceived(_logger, target.LoggableChatCompletionsUri, target.Profile.Dialect, target.Model, request.Stream,
            (int)response.StatusCode, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, info.RequestId);

        if (response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Accepted)
        {
            return new TransportResult(response, target, info, budget);
        }

        using (response)
        {
            var body = await ResponseHelpers.ReadErrorBodyAsync(response.Content, MaxErrorBodyBytes, target.Options.Resilience.IdleTimeout, Time, cancellationToken).ConfigureAwait(false);
            var error = ProviderErrorParser.Parse(body);
            var retryAfter = RetryAfter.FromHeaders(response.Headers, Time.GetUtcNow());
            var exception = KimiErrorFactory.Create(target.Profile, response.StatusCode, error, info.RequestId, retryAfter, target.Scrubber);
            KimiLog.CallFailed(_logger, target.Profile.DisplayName, (int)response.StatusCode, exception.Error.ToString(), info.RequestId);
            throw exception;
        }
    }

    private static readonly int[] PrimaryOnly = [0];

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

    /// <summary>Failover after 429, 5xx, 408 and "model not available here" (NVIDIA's 404); never for auth, bad input or context length.</summary>
    private static bool ShouldFailOver(KimiApiException ex) =>
        ex is KimiRateLimitException or KimiServerException or KimiModelNotFoundException || ex.Status == HttpStatusCode.RequestTimeout;

    private static bool IsTransport(Exception ex) => ex is HttpRequestException or TimeoutRejectedException or IOException;

    private static string Describe(KimiApiException ex) => $"{(int)ex.Status} {ex.GetType().Name}{(ex is KimiRateLimitException { RetryAfter: { } wait } ? $", Retry-After {wait.TotalSeconds:0.###} s" : string.Empty)}";
}
