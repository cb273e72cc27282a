using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Kimi.Client.Errors;
using Kimi.Client.Http;
using Kimi.Client.Resilience;
using Polly;
using Polly.Timeout;

namespace Kimi.Client.Platform;

/// <summary>
/// One platform call (model list, token count, balance) on the chat path's machinery: the same retry policy and attempt
/// budget, the one bounded body reader, the one error parser and classifier, the same exception family and scrubbing.
/// Platform calls belong to one host's account, so they never fail over. A 404 or 405 means the host has no such endpoint.
/// </summary>
internal sealed class PlatformCall(HttpClient http, ClientSettings settings)
{
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly ProductInfoHeaderValue UserAgent = new("Kimi.Client", typeof(PlatformCall).Assembly.GetName().Version?.ToString(3) ?? "0.1.0");

    /// <summary>Sends the call and returns the answer's JSON (the caller disposes it).</summary>
    /// <param name="feature">The public call's name, for messages (<c>GetModelsAsync</c>).</param>
    /// <param name="method">GET or POST.</param>
    /// <param name="path">The path under the endpoint, from the profile.</param>
    /// <param name="content">Creates the body of each try (a retried try needs a fresh one), or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<(JsonDocument Json, KimiResponseInfo Info)> SendAsync(string feature, HttpMethod method, string path, Func<HttpContent>? content, CancellationToken cancellationToken)
    {
        var options = settings.Options.Resilience;
        var uri = new Uri(settings.Endpoint.AbsoluteUri.TrimEnd('/') + "/" + path.TrimStart('/'));
        using var budget = new AttemptBudget(options, settings.Time, streaming: false) { Target = settings };
        var token = budget.CallToken(cancellationToken); // the answer's body is read after the try, under the call's limit too
        try
        {
            budget.BeginAttempt();
            using var result = await SendWithRetriesAsync(method, uri, content, budget, token).ConfigureAwait(false);
            if (!result.IsSuccess)
            {
                var error = Classify(feature, result);
                budget.Record(result.Status, KimiAttemptOutcome.Failed, $"{(int)result.Status} {error.GetType().Name}");
                throw Stamp(error, budget);
            }

            budget.Record(result.Status, KimiAttemptOutcome.Succeeded, "ok");
            return (await ReadJsonAsync(feature, result, token).ConfigureAwait(false), result.Info);
        }
        catch (Exception ex) when (ex is not KimiException && !cancellationToken.IsCancellationRequested && Failure(feature, ex, budget.TotalSpent) is { } failure)
        {
            budget.Record(null, KimiAttemptOutcome.Failed, failure.GetType().Name);
            throw Stamp(failure, budget);
        }
        catch (KimiException ex)
        {
            ex.Scrubber ??= settings.Scrubber;
            throw;
        }
    }

    private async ValueTask<AttemptResult> SendWithRetriesAsync(HttpMethod method, Uri uri, Func<HttpContent>? content, AttemptBudget budget, CancellationToken cancellationToken)
    {
        // The first try runs here; the retry policy takes over only when its outcome may be retried.
        var retries = settings.Options.Resilience.Enabled;
        AttemptResult result;
        try
        {
            result = await SendOnceAsync(method, uri, content, budget, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (retries && KimiResiliencePipeline.IsTransportFailure(ex))
        {
            return await RetryAsync(Outcome.FromException<AttemptResult>(ex)).ConfigureAwait(false);
        }

        return retries && KimiResiliencePipeline.MayRetry(result) ? await RetryAsync(Outcome.FromResult(result)).ConfigureAwait(false) : result;

        ValueTask<AttemptResult> RetryAsync(Outcome<AttemptResult> first) => KimiResiliencePipeline.RetryAsync(
            settings, budget, first, static (state, token) => state.Call.SendOnceAsync(state.Method, state.Uri, state.Content, state.Budget, token),
            (Call: this, Method: method, Uri: uri, Content: content, Budget: budget), cancellationToken);
    }

    /// <summary>One HTTP try, under its own time limit; an error answer is read (bounded), parsed, scrubbed and classified here, once.</summary>
    private async ValueTask<AttemptResult> SendOnceAsync(HttpMethod method, Uri uri, Func<HttpContent>? content, AttemptBudget budget, CancellationToken cancellationToken)
    {
        var limit = TryTimer.Start(settings, budget, cancellationToken);
        try
        {
            using var message = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
            if (settings.ApiKey is { } key)
            {
                message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }

            message.Headers.Accept.Add(AcceptJson);
            message.Headers.UserAgent.Add(UserAgent);
            var response = await limit.Timed(http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, limit.Token)).ConfigureAwait(false);
            var info = ResponseInfo.Read(settings, response);
            if (response.IsSuccessStatusCode)
            {
                return new AttemptResult(response, info, budget);
            }

            return await limit.Timed(ErrorAnswer.ReadAsync(settings, response, info, budget, limit.Token)).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (limit.ResponseLimitEnded(budget))
        {
            throw limit.Timeout(ex);
        }
        finally
        {
            limit.Dispose();
        }
    }

    private KimiApiException Classify(string feature, AttemptResult result)
    {
        var profile = settings.Profile;
        if (result.Status is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed)
        {
            return new KimiFeatureUnavailableException(
                $"{feature}: {profile.DisplayName} has no such endpoint at {settings.LoggableEndpoint} ({(int)result.Status}). The call is not available on this host " +
                $"(the {profile.Name} profile); check KimiClientOptions.Endpoint, or use a host that has it.{RequestIdSentence(result.Info)}",
                profile, result.Status, result.Error!, feature, result.Info.RequestId);
        }

        return KimiErrorFactory.Create(profile, result.Status, result.Error!, result.Info.RequestId, result.RetryAfter, settings.Scrubber);
    }

    private async Task<JsonDocument> ReadJsonAsync(string feature, AttemptResult result, CancellationToken cancellationToken)
    {
        var limit = settings.Options.Limits.MaxResponseBytes;
        PooledBody body;
        try
        {
            body = await BodyReader.ReadAsync(result.Response.Content, limit, settings.Options.Resilience.IdleTimeout, settings.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (BodyTooLargeException)
        {
            throw new KimiResponseTooLargeException(
                $"{feature}: {settings.Profile.DisplayName} sent an answer larger than {limit} bytes; reading stopped there. Raise KimiClientOptions.Limits.MaxResponseBytes, or check KimiClientOptions.Endpoint.",
                settings.Profile, limit, result.Info.RequestId);
        }
        catch (BodyStalledException ex)
        {
            throw new KimiTimeoutException(
                $"{feature}: {settings.Profile.DisplayName} sent the headers but the body paused for {ex.Limit.TotalSeconds:0.###} s. Retry, or raise KimiClientOptions.Resilience.IdleTimeout.",
                settings.Profile, ex.Limit, result.Info.RequestId, innerException: ex);
        }
        catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KimiConnectionException($"{feature}: the connection to {settings.Profile.DisplayName} failed while reading the answer: {settings.Scrubber.Scrub(ex.Message)} Retry the call.", settings.Profile, ex);
        }

        using (body)
        {
            try
            {
                return JsonDocument.Parse(body.Bytes);
            }
            catch (JsonException ex)
            {
                throw new KimiResponseFormatException(
                    $"{feature}: {settings.Profile.DisplayName} answered {(int)result.Status} with a body that is not JSON. Check KimiClientOptions.Endpoint points at the host's /v1 base URL.{RequestIdSentence(result.Info)}",
                    settings.Profile, result.Info.RequestId, innerException: ex);
            }
        }
    }

    private KimiException? Failure(string feature, Exception ex, bool totalExpired)
    {
        var options = settings.Options.Resilience;
        return ex switch
        {
            TimeoutRejectedException => new KimiTimeoutException(
                $"{feature}: {settings.Profile.DisplayName} did not answer within {options.ResponseTimeout.TotalSeconds:0} s on any try. Raise KimiClientOptions.Resilience.ResponseTimeout.",
                settings.Profile, options.ResponseTimeout, innerException: ex),
            OperationCanceledException when totalExpired => new KimiTimeoutException(
                $"{feature}: no answer from {settings.Profile.DisplayName} within the {options.TotalTimeout.TotalSeconds:0} s budget for all tries. Raise KimiClientOptions.Resilience.TotalTimeout.",
                settings.Profile, options.TotalTimeout, innerException: ex),
            _ when KimiResiliencePipeline.IsTransportFailure(ex) => new KimiConnectionException(
                $"{feature}: could not reach {settings.Profile.DisplayName} at {settings.LoggableEndpoint}: {settings.Scrubber.Scrub(ex.Message)} Check KimiClientOptions.Endpoint and the network.",
                settings.Profile, ex),
            _ => null,
        };
    }

    private KimiException Stamp(KimiException exception, AttemptBudget budget)
    {
        exception.Attempts = budget.Attempts;
        exception.Scrubber ??= settings.Scrubber;
        return exception;
    }

    private static string RequestIdSentence(KimiResponseInfo info) => info.RequestId is null ? string.Empty : $" Request id: {info.RequestId}.";
}
