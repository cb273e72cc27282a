using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Kimi.Client.Errors;

/// <summary>Turns a provider error (HTTP status or in-stream event) into the right exception, with a message that says what to change.</summary>
internal static partial class KimiErrorFactory
{
    public static KimiApiException Create(
        KimiProvider profile,
        HttpStatusCode status,
        KimiProviderError rawError,
        string? requestId,
        TimeSpan? retryAfterHeader,
        SecretScrubber scrubber,
        ChatCompletion? partial = null,
        bool isStreamError = false,
        string? authenticationNote = null)
    {
        var error = rawError.With(scrubber.Scrub(profile.StripErrorPrefixes(rawError.Message)), scrubber.Scrub(rawError.Type), scrubber.Scrub(rawError.Code), scrubber.Scrub(rawError.Param), scrubber);
        var provider = profile;
        var providerText = error.Message ?? string.Empty;
        requestId ??= profile.ReadErrorReference(error.Message); // Ollama: "(ref: …)" is what its support asks for

        // The host's own reading of the body comes first (Cloudflare's codes, Ollama's usage limit); then the status decides.
        var rule = profile.MatchErrorRule((int)status, error);
        if (rule?.Status is { } meant && (isStreamError || (int)status < 400))
        {
            status = (HttpStatusCode)meant; // an error in a 200 body or a stream event: the code says what it stands for
        }

        var code = (int)status;
        if (rule?.Kind is { } kind)
        {
            var advice = rule.Advice?.Replace("{AccountId}", profile.EffectiveAccountId ?? "(unset)", StringComparison.Ordinal);
            return CreateForKind(kind, profile, status, error, advice, requestId, retryAfterHeader, partial, isStreamError);
        }

        if (IsContextLength(profile, error))
        {
            return new KimiContextLengthExceededException(
                Compose(profile, status, error, $"The prompt and the output cap do not fit the context window ({profile.ContextWindow.ToString("N0", CultureInfo.InvariantCulture)} tokens on {profile.DisplayName}): shorten or summarize the history, or lower MaxOutputTokens.", requestId, isStreamError),
                provider, status, error, requestId, partial) { IsStreamError = isStreamError };
        }

        var missing = MissingReasoning().Match(providerText);
        if (missing.Success && int.TryParse(missing.Groups[1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
        {
            return new KimiMissingReasoningException(
                Compose(profile, status, error, $"Message {index} is an assistant tool-call turn sent without its reasoning. Build assistant turns with KimiMessage.Assistant(completion) so their Reasoning is kept, or turn thinking off for this call.", requestId, isStreamError),
                provider, status, error, index, requestId, partial) { IsStreamError = isStreamError };
        }

        switch (code)
        {
            case 401 or 403:
                return new KimiAuthenticationException(
                    Compose(profile, status, error, WithHint(AuthenticationAdvice(profile), authenticationNote), requestId, isStreamError),
                    provider, status, error, requestId, partial) { IsStreamError = isStreamError };
            case 402:
                return new KimiInsufficientCreditsException(
                    Compose(profile, status, error, CreditsAdvice(profile), requestId, isStreamError),
                    provider, status, error, requestId, partial) { IsStreamError = isStreamError };
            case 429:
                var retryAfter = retryAfterHeader ?? error.RetryAfter ?? (error.Message is { } m ? profile.ReadRetryHint(m) : null);
                return new KimiRateLimitException(
                    Compose(profile, status, error, retryAfter is { } wait
                        ? $"Rate limited or overloaded: retry after {wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s, lower concurrency, or enable client-side rate limiting."
                        : "Rate limited or overloaded: retry with backoff, lower concurrency, or enable client-side rate limiting.", requestId, isStreamError),
                    provider, status, error, retryAfter, requestId, partial) { IsStreamError = isStreamError };
            case 404 when !isStreamError:
                return new KimiModelNotFoundException(
                    Compose(profile, status, error, WithHint("The model is not served at this endpoint for this account (or the endpoint path is wrong): check KimiClientOptions.Model and Endpoint.", profile.ModelNotFoundHint), requestId, isStreamError),
                    provider, status, error, requestId);
            case 405:
                return new KimiBadRequestException(
                    Compose(profile, status, error, WithHint("The endpoint path is wrong: KimiClientOptions.Endpoint must end before /chat/completions.", profile.EndpointHint), requestId, isStreamError),
                    provider, status, error, requestId, partial) { IsStreamError = isStreamError };
            case 202:
                return new KimiApiException(
                    Compose(profile, status, error, $"The provider queued the request (202 Accepted) instead of answering; polling is not supported. Quote request id {requestId ?? "(none)"} to the provider, or retry later.", requestId, isStreamError),
                    provider, status, error, requestId, partial) { IsStreamError = isStreamError };
            case >= 400 and < 500:
                return new KimiBadRequestException(
                    Compose(profile, status, error, "The provider rejected the request: the message above says which field; fix it before retrying.", requestId, isStreamError),
                    provider, status, error, requestId, partial) { IsStreamError = isStreamError };
            case >= 500:
                return new KimiServerException(
                    Compose(profile, status, error, "The provider failed; this is usually temporary: retry, or fail over to another provider.", requestId, isStreamError),
                    provider, status, error, requestId, partial) { IsStreamError = isStreamError };
            default:
                return new KimiApiException(
                    Compose(profile, status, error, "Unexpected status from the provider.", requestId, isStreamError),
                    provider, status, error, requestId, partial) { IsStreamError = isStreamError };
        }
    }

    /// <summary>The exception a host's <see cref="KimiErrorRule"/> asks for.</summary>
    private static KimiApiException CreateForKind(
        KimiErrorKind kind, KimiProvider profile, HttpStatusCode status, KimiProviderError error, string? advice, string? requestId,
        TimeSpan? retryAfterHeader, ChatCompletion? partial, bool isStreamError)
    {
        switch (kind)
        {
            case KimiErrorKind.Authentication:
                return new KimiAuthenticationException(
                    Compose(profile, status, error, advice ?? AuthenticationAdvice(profile), requestId, isStreamError),
                    profile, status, error, requestId, partial) { IsStreamError = isStreamError };
            case KimiErrorKind.InsufficientCredits:
                return new KimiInsufficientCreditsException(
                    Compose(profile, status, error, advice ?? CreditsAdvice(profile), requestId, isStreamError),
                    profile, status, error, requestId, partial) { IsStreamError = isStreamError };
            case KimiErrorKind.RateLimit:
                var retryAfter = retryAfterHeader ?? error.RetryAfter ?? (error.Message is { } m ? profile.ReadRetryHint(m) : null);
                return new KimiRateLimitException(
                    Compose(profile, status, error, advice ?? "Rate limited or overloaded: retry with backoff, lower concurrency, or enable client-side rate limiting.", requestId, isStreamError),
                    profile, status, error, retryAfter, requestId, partial) { IsStreamError = isStreamError };
            case KimiErrorKind.QuotaExceeded:
                return new KimiQuotaExceededException(
                    Compose(profile, status, error, advice ?? "A usage allowance is used up; it will not come back within seconds, so the call was not retried. Wait for it to reset, raise the plan, or fail over to another provider.", requestId, isStreamError),
                    profile, status, error, retryAfterHeader, requestId, partial) { IsStreamError = isStreamError };
            case KimiErrorKind.ModelNotFound when !isStreamError:
                return new KimiModelNotFoundException(
                    Compose(profile, status, error, advice ?? WithHint("The model is not served at this endpoint for this account: check KimiClientOptions.Model.", profile.ModelNotFoundHint), requestId, isStreamError),
                    profile, status, error, requestId);
            case KimiErrorKind.Server:
                return new KimiServerException(
                    Compose(profile, status, error, advice ?? "The provider failed; this is usually temporary: retry, or fail over to another provider.", requestId, isStreamError),
                    profile, status, error, requestId, partial) { IsStreamError = isStreamError };
            default:
                return new KimiBadRequestException(
                    Compose(profile, status, error, advice ?? "The provider rejected the request: the message above says which field; fix it before retrying.", requestId, isStreamError),
                    profile, status, error, requestId, partial) { IsStreamError = isStreamError };
        }
    }

    /// <summary>Whether a host's rule says an error must not be retried even though its status would be (a used-up quota).</summary>
    public static bool IsNeverRetried(KimiProvider profile, int status, KimiProviderError error) =>
        profile.MatchErrorRule(status, error)?.Kind is KimiErrorKind.QuotaExceeded or KimiErrorKind.Authentication or KimiErrorKind.BadRequest or KimiErrorKind.ModelNotFound
            or KimiErrorKind.InsufficientCredits;

    private static string AuthenticationAdvice(KimiProvider profile) =>
        WithHint(profile.ApiKeyVariable is { } variable
            ? $"Check the API key (KimiClientOptions.ApiKey or the {variable} environment variable), and the account's permissions and balance."
            : "Check the API key (KimiClientOptions.ApiKey), and the account's permissions and balance.", profile.AuthenticationHint);

    private static string CreditsAdvice(KimiProvider profile) =>
        $"The account (or this key's limit) cannot pay for the call; it was not retried. Add credits or raise the key's limit at {profile.DisplayName}, " +
        "or lower MaxOutputTokens (the credit check reserves the whole output cap).";

    private static string WithHint(string advice, string? hint) => hint is null ? advice : advice + " " + hint;

    /// <summary>The HTTP status an error in a 200 body or a stream event stands for: the host's rule for its code, else <see cref="StatusForStreamError(KimiProviderError)"/>.</summary>
    public static HttpStatusCode StatusForStreamError(KimiProvider profile, KimiProviderError error) =>
        profile.MatchErrorRule(200, error)?.Status is { } meant ? (HttpStatusCode)meant : StatusForStreamError(error);

    /// <summary>The HTTP status an in-stream error event stands for: its numeric code if it has one, else by its type.</summary>
    public static HttpStatusCode StatusForStreamError(KimiProviderError error)
    {
        if (int.TryParse(error.Code, NumberStyles.Integer, CultureInfo.InvariantCulture, out var numeric) && numeric is >= 400 and < 600)
        {
            return (HttpStatusCode)numeric;
        }

        // A router's stable category, when the code is text (OpenRouter's "code":"server_error" beside metadata.error_type).
        switch (error.ErrorType)
        {
            case "rate_limit_exceeded" or "provider_overloaded":
                return HttpStatusCode.TooManyRequests;
            case "provider_unavailable":
                return HttpStatusCode.BadGateway;
            case "timeout":
                return HttpStatusCode.RequestTimeout;
            case "payment_required":
                return HttpStatusCode.PaymentRequired;
            case "context_length_exceeded" or "invalid_prompt":
                return HttpStatusCode.BadRequest;
            case "content_policy_violation":
                return HttpStatusCode.Forbidden;
        }

        var type = error.Type ?? string.Empty;
        if (type.Contains("rate_limit", StringComparison.OrdinalIgnoreCase) || type.Contains("overloaded", StringComparison.OrdinalIgnoreCase))
        {
            return HttpStatusCode.TooManyRequests;
        }

        if (type.Contains("validation", StringComparison.OrdinalIgnoreCase) || type.Contains("invalid_request", StringComparison.OrdinalIgnoreCase) ||
            type.Contains("BadRequest", StringComparison.OrdinalIgnoreCase))
        {
            return HttpStatusCode.BadRequest;
        }

        return HttpStatusCode.InternalServerError;
    }

    internal static bool IsContextLength(KimiProvider profile, KimiProviderError error)
    {
        // The OpenAI-style code, or a router's stable category (OpenRouter's metadata.error_type, beside a masked message).
        if (string.Equals(error.Code, "context_length_exceeded", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(error.ErrorType, "context_length_exceeded", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (error.Message is not { Length: > 0 } message)
        {
            return false;
        }

        foreach (var marker in profile.ContextLengthMarkers)
        {
            if (message.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string Compose(KimiProvider profile, HttpStatusCode status, KimiProviderError error, string advice, string? requestId, bool isStreamError)
    {
        var sb = new StringBuilder(160);
        sb.Append(profile.DisplayName);
        sb.Append(isStreamError ? " sent an error event mid-stream" : " returned ");
        if (!isStreamError)
        {
            sb.Append((int)status).Append(' ').Append(ReasonPhrase(status));
        }

        sb.Append(": ");
        sb.Append(string.IsNullOrWhiteSpace(error.Message) ? "(no error message in the body)" : error.Message.TrimEnd('.'));
        if (error.Type is not null || error.Code is not null)
        {
            sb.Append(" [");
            if (error.Type is not null)
            {
                sb.Append("type: ").Append(error.Type);
            }

            if (error.Code is not null)
            {
                sb.Append(error.Type is null ? string.Empty : ", ").Append("code: ").Append(error.Code);
            }

            sb.Append(']');
        }

        if (error.UpstreamProvider is { Length: > 0 } upstream)
        {
            sb.Append(" (from the upstream ").Append(upstream).Append(error.GatewayMessage is { Length: > 0 } gateway ? $"; {profile.DisplayName} said: {gateway.TrimEnd('.')}" : string.Empty).Append(')');
        }

        sb.Append(". ").Append(advice);
        if (requestId is not null)
        {
            sb.Append(" Request id: ").Append(requestId).Append('.');
        }

        return sb.ToString();
    }

    private static string ReasonPhrase(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => "Bad Request",
        HttpStatusCode.PaymentRequired => "Payment Required",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "Not Found",
        HttpStatusCode.MethodNotAllowed => "Method Not Allowed",
        HttpStatusCode.UnprocessableEntity => "Unprocessable Entity",
        HttpStatusCode.TooManyRequests => "Too Many Requests",
        HttpStatusCode.InternalServerError => "Internal Server Error",
        HttpStatusCode.BadGateway => "Bad Gateway",
        HttpStatusCode.ServiceUnavailable => "Service Unavailable",
        HttpStatusCode.GatewayTimeout => "Gateway Timeout",
        HttpStatusCode.Accepted => "Accepted",
        _ => status.ToString(),
    };

    [GeneratedRegex(@"reasoning_content is missing in assistant tool call message at index (\d+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MissingReasoning();
}
