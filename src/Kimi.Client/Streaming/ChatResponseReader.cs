using System.Diagnostics;
using Kimi.Client.Errors;
using Kimi.Client.Http;
using Kimi.Client.Serialization;

namespace Kimi.Client.Streaming;

/// <summary>
/// Turns a non-streamed chat answer into the completion or the exception, beside <see cref="SseChatReader"/> for streamed
/// ones. The transport's try read the body (bounded pooled buffers, a pause limit between reads, a size limit in all) and
/// parsed it once; this reports what it found.
/// </summary>
internal static class ChatResponseReader
{
    /// <summary>The completion a whole answer's try read and parsed (synchronous: the body was read within the try, under its limits).</summary>
    public static ChatCompletion Read(in TransportResult sent, InlineReasoningSplitter? splitter)
    {
        using var response = sent.Response;
        var target = sent.Settings;
        var info = sent.Info;
        var attempts = sent.Budget.Attempts;
        var attempt = sent.Attempt;
        using (sent.Lease)
        {
            if (attempt.BodyFailure is { } failure)
            {
                throw Stamp(BodyFailed(target, info, failure), target, attempts);
            }

            if (attempt.Completion is { } whole)
            {
                // Read straight into its completion by the try: only where no splitter applies (KimiTransport.WholeAnswer).
                Debug.Assert(splitter is null, "a host whose text is split gets an update, not a completion");
                sent.Lease?.Release(whole.Usage);
                whole.Attempts = attempts;
                return whole;
            }

            if (attempt.Answer is { } answer)
            {
                sent.Lease?.Release(answer.Usage); // settles the token estimate with the real usage
                var completion = ChatCompletionAccumulator.FromWhole(splitter?.SplitWhole(answer) ?? answer);
                splitter?.Stamp(completion);
                completion.Attempts = attempts;
                return completion;
            }
        }

        // A whole answer's try hands over its clean parse, its body failure, or (here) a parse that is not an answer.
        var parsed = attempt.Parsed!.Value;
        if (parsed.Kind == ParsedKind.Error)
        {
            // The transport turns a 2xx error body into the error's exception; kept for a body parsed elsewhere.
            var error = parsed.Error!.Scrubbed(target.Scrubber);
            throw Stamp(KimiErrorFactory.Create(target.Profile, KimiErrorFactory.StatusForStreamError(target.Profile, error), error, info.RequestId, null, target.Scrubber), target, attempts);
        }

        throw Stamp(new KimiResponseFormatException(
            $"{target.Profile.DisplayName} answered {(int)response.StatusCode} with a body that is not a chat completion: {target.Scrubber.Scrub(parsed.Problem)}. " +
            $"Check KimiClientOptions.Endpoint points at an OpenAI-compatible /v1 base URL.{RequestIdSentence(info)}",
            target.Profile, info.RequestId), target, attempts);
    }

    /// <summary>The exception for a whole body that could not be read: too large, stalled, or its connection lost.</summary>
    internal static KimiException BodyFailed(ClientSettings target, KimiResponseInfo info, Exception failure)
    {
        return failure switch
        {
            BodyTooLargeException tooLarge => new KimiResponseTooLargeException(
                $"{target.Profile.DisplayName} sent a response larger than {Size(tooLarge.Limit)}; reading stopped there. Raise KimiClientOptions.Limits.MaxResponseBytes " +
                $"if the answer is really that large, or check KimiClientOptions.Endpoint.{RequestIdSentence(info)}",
                target.Profile, tooLarge.Limit, info.RequestId),
            BodyStalledException stalled => new KimiTimeoutException(
                $"{target.Profile.DisplayName} sent the response headers but the body paused for {stalled.Limit.TotalSeconds:0.###} s. Retry, or raise " +
                $"KimiClientOptions.Resilience.IdleTimeout.{RequestIdSentence(info)}", // a whole answer's body is read against the silence limit
                target.Profile, stalled.Limit, info.RequestId, innerException: stalled),
            _ => new KimiConnectionException(
                $"The connection to {target.Profile.DisplayName} failed while reading the response: {target.Scrubber.Scrub(failure.Message)} Retry the call.",
                target.Profile, failure),
        };
    }

    internal static string RequestIdSentence(KimiResponseInfo info) => info.RequestId is null ? string.Empty : $" Request id: {info.RequestId}.";

    internal static string Size(long bytes) => bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";

    private static KimiException Stamp(KimiException exception, ClientSettings target, IReadOnlyList<KimiAttempt> attempts)
    {
        exception.Attempts = attempts;
        exception.Scrubber ??= target.Scrubber;
        return exception;
    }
}
