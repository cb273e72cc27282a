using System.Net;
using Kimi.Client.Resilience;
using Kimi.Client.Serialization;

namespace Kimi.Client.Http;

/// <summary>
/// What one HTTP try produced: the response (headers read) and, for an error, its body read and parsed once, with the
/// retry verdict. A whole JSON answer (non-streamed, or a server that ignored <c>"stream":true</c>) is read and parsed by the
/// try too, so a 2xx whose body is an error is classified, and retried, like that error's status. It travels from the
/// try to the transport (through the retry policy when the try is retried) and on to the caller, so nothing reads or parses
/// a body twice. Disposing it releases the response (the retry policy does so for a retried try).
/// </summary>
/// <remarks>
/// A struct of five references: it is copied through every await between the try and the caller (each async layer's
/// builder and awaiter holds one), so what only an error or an unreadable body needs lives in one object made for them.
/// </remarks>
internal readonly struct AttemptResult(HttpResponseMessage response, KimiResponseInfo info, AttemptBudget budget) : IDisposable
{
    private readonly object? _answer; // a whole answer read cleanly: its one update, or its completion (ParsedKind.Completion)
    private readonly Details? _details;

    public HttpResponseMessage Response { get; } = response;

    public KimiResponseInfo Info { get; } = info;

    /// <summary>The call the try belongs to: its attempts so far, the host of the try (<see cref="AttemptBudget.Target"/>) and its rate-limit lease.</summary>
    public AttemptBudget Budget { get; } = budget;

    /// <summary>The HTTP status, or for an error in a 2xx body the status that error stands for.</summary>
    public HttpStatusCode Status => ErrorStatus ?? Response.StatusCode;

    /// <summary>Whether this is a chat answer to read (2xx other than NVIDIA's 202 "queued", and not an error body).</summary>
    public bool IsSuccess => Error is null && IsAnswer(Response);

    /// <summary>For a whole JSON answer read cleanly into an update (a stream's, or where a splitter reads it; else see <see cref="Completion"/>).</summary>
    public ChatCompletionUpdate? Answer => _answer as ChatCompletionUpdate;

    /// <summary>For a whole JSON answer read straight into its completion (<see cref="ChunkParser.CompletesWholeAnswers"/>).</summary>
    public ChatCompletion? Completion => _answer as ChatCompletion;

    /// <summary>For an error in a 2xx body (OpenRouter, Cloudflare, old vLLM): the status it stands for.</summary>
    public HttpStatusCode? ErrorStatus
    {
        get => _details?.ErrorStatus;
        init => (_details ??= new Details()).ErrorStatus = value;
    }

    /// <summary>For a whole JSON answer: the body, parsed (the try read it). <see langword="null"/> for an event stream, still unread.</summary>
    public ParsedEvent? Parsed
    {
        get => _answer switch
        {
            ChatCompletionUpdate update => ParsedEvent.Of(update),
            ChatCompletion completion => ParsedEvent.Of(completion),
            _ => _details?.Parsed,
        };
        init
        {
            if (value is { Kind: ParsedKind.Update or ParsedKind.Completion } parsed)
            {
                _answer = (object?)parsed.Update ?? parsed.Completion;
            }
            else
            {
                (_details ??= new Details()).Parsed = value;
            }
        }
    }

    /// <summary>For a whole JSON answer whose body could not be read (stalled, too large, connection lost): why; the reader reports it.</summary>
    public Exception? BodyFailure
    {
        get => _details?.BodyFailure;
        init => (_details ??= new Details()).BodyFailure = value;
    }

    /// <summary>For an error status: the provider's error, already scrubbed of secrets.</summary>
    public KimiProviderError? Error
    {
        get => _details?.Error;
        init => (_details ??= new Details()).Error = value;
    }

    /// <summary>For an error status: how long the provider asked us to wait (header, else a hint in its body).</summary>
    public TimeSpan? RetryAfter
    {
        get => _details?.RetryAfter;
        init => (_details ??= new Details()).RetryAfter = value;
    }

    /// <summary>For an error status: whether another try could succeed, and why (the policy still checks the budget).</summary>
    public ErrorVerdict Verdict
    {
        get => _details?.Verdict ?? ErrorVerdict.Final;
        init => (_details ??= new Details()).Verdict = value;
    }

    /// <summary>Whether a response's status says it carries a chat answer (2xx other than NVIDIA's 202 "queued"); its body may still hold an error.</summary>
    public static bool IsAnswer(HttpResponseMessage response) => response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Accepted;

    public void Dispose() => Response.Dispose();

    // Filled only by the init accessors above, while the result is being made; never changed after. Never copy a result
    // with `with { … }`: the copy would share this object, and its initializers would change the original's details too.
    private sealed class Details
    {
        public HttpStatusCode? ErrorStatus;
        public ParsedEvent? Parsed;
        public Exception? BodyFailure;
        public KimiProviderError? Error;
        public TimeSpan? RetryAfter;
        public ErrorVerdict Verdict;
    }
}

/// <summary>Whether an error answer is worth another try.</summary>
internal enum ErrorVerdict
{
    /// <summary>Never retried: the request itself is wrong (auth, bad input, context length, quota).</summary>
    Final,

    /// <summary>Temporary (408, 429, 5xx): retried within the budget, and a reason to fail over.</summary>
    Retryable,

    /// <summary>Temporary, but the provider asks for a wait longer than the cap: not retried here, failed over if possible.</summary>
    WaitTooLong,
}
