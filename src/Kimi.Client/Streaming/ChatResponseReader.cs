using Kimi.Client.Errors;
using Kimi.Client.Http;
using Kimi.Client.Serialization;

namespace Kimi.Client.Streaming;

/// <summary>
/// Reads a non-streamed chat answer, beside <see cref="SseChatReader"/> for streamed ones: the body in bounded pooled
/// buffers (a pause limit between reads, a size limit in all), parsed once into a completion or into the host's error.
/// </summary>
internal static class ChatResponseReader
{
    public static async Task<ChatCompletion> ReadAsync(TransportResult sent, InlineReasoningSplitter? splitter, CancellationToken cancellationToken)
    {
        using var response = sent.Response;
        var target = sent.Settings;
        var info = sent.Info;
        var attempts = sent.Budget.Attempts;
        ParsedEvent parsed;
        using (sent.Lease)
        {
            // The headers came when generation ended; the body follows, with no pause longer than IdleTimeout.
            var idle = target.Options.Resilience.IdleTimeout;
            var limit = target.Options.Limits.MaxResponseBytes;
            PooledBody body;
            try
            {
                body = await BodyReader.ReadAsync(response.Content, limit, idle, target.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (BodyTooLargeException)
            {
                throw Stamp(new KimiResponseTooLargeException(
                    $"{target.Profile.DisplayName} sent a response larger than {Size(limit)}; reading stopped there. Raise KimiClientOptions.Limits.MaxResponseBytes " +
                    $"if the answer is really that large, or check KimiClientOptions.Endpoint.{RequestIdSentence(info)}",
                    target.Profile, limit, info.RequestId), target, attempts);
            }
            catch (BodyStalledException ex)
            {
                throw Stamp(new KimiTimeoutException(
                    $"{target.Profile.DisplayName} sent the response headers but the body paused for {idle.TotalSeconds:0.###} s. Retry, or raise KimiClientOptions.Resilience.IdleTimeout.{RequestIdSentence(info)}",
                    target.Profile, idle, info.RequestId, innerException: ex), target, attempts);
            }
            catch (HttpRequestException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw Stamp(new KimiConnectionException(
                    $"The connection to {target.Profile.DisplayName} failed while reading the response: {target.Scrubber.Scrub(ex.Message)} Retry the call.",
                    target.Profile, ex), target, attempts);
            }

            using (body)
            {
                parsed = new ChunkParser(info, target.Origin).ParseResponse(body.Bytes);
            }

            if (parsed.Kind == ParsedKind.Update)
            {
                sent.Lease?.Release(parsed.Update!.Usage); // settles the token estimate with the real usage
            }
        }

        switch (parsed.Kind)
        {
            case ParsedKind.Update:
                var accumulator = new ChatCompletionAccumulator();
                accumulator.Append(splitter?.SplitWhole(parsed.Update!) ?? parsed.Update!);
                var completion = accumulator.ToCompletion();
                splitter?.Stamp(completion);
                completion.Attempts = attempts;
                return completion;
            case ParsedKind.Error:
                // A 200 whose body is an error (OpenRouter, old vLLM): the same exception as that error's status.
                var error = parsed.Error!.Scrubbed(target.Scrubber);
                throw Stamp(KimiErrorFactory.Create(target.Profile, KimiErrorFactory.StatusForStreamError(target.Profile, error), error, info.RequestId, null, target.Scrubber), target, attempts);
            default:
                throw Stamp(new KimiResponseFormatException(
                    $"{target.Profile.DisplayName} answered {(int)response.StatusCode} with a body that is not a chat completion: {target.Scrubber.Scrub(parsed.Problem)}. " +
                    $"Check KimiClientOptions.Endpoint points at an OpenAI-compatible /v1 base URL.{RequestIdSentence(info)}",
                    target.Profile, info.RequestId), target, attempts);
        }
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
