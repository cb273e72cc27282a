namespace Kimi.Client;

/// <summary>The base of every error Kimi.Client raises about a call: provider errors, broken or cut streams, timeouts.</summary>
/// <remarks>Messages name what to change. They never contain the API key.</remarks>
public class KimiException : Exception
{
    /// <summary>Creates an exception.</summary>
    /// <param name="message">What went wrong and what to change.</param>
    /// <param name="provider">The provider that was called.</param>
    /// <param name="requestId">The provider's request id, if known.</param>
    /// <param name="partialCompletion">What had been received before the failure, if anything.</param>
    /// <param name="innerException">The underlying exception.</param>
    public KimiException(string message, KimiProvider provider, string? requestId = null, ChatCompletion? partialCompletion = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Provider = provider;
        RequestId = requestId;
        PartialCompletion = partialCompletion;
    }

    /// <summary>The provider that was called.</summary>
    public KimiProvider Provider { get; }

    /// <summary>The provider's request id (quote it to their support), if known.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// For a failed stream: the text, reasoning, tool calls and usage received before the failure (flagged
    /// <see cref="ChatCompletion.IsIncomplete"/>; its text is empty if nothing had arrived). <see langword="null"/> when the
    /// call was not streamed or failed before the stream started.
    /// </summary>
    public ChatCompletion? PartialCompletion { get; }

    /// <summary>Every try of the call (retries and failovers): provider, status, duration and what happened.</summary>
    public IReadOnlyList<KimiAttempt> Attempts { get; internal set; } = [];

    /// <summary>
    /// The call's secrets, set where the exception leaves the library: <see cref="Message"/> and <see cref="ToString"/> pass
    /// through it, so no key reaches a log whatever the text was built from (a server echo, an inner exception).
    /// </summary>
    internal Errors.SecretScrubber? Scrubber { get; set; }

    /// <inheritdoc/>
    public override string Message => Scrubber is { } scrubber ? scrubber.Scrub(base.Message) : base.Message;

    /// <inheritdoc/>
    public override string ToString() => Scrubber is { } scrubber ? scrubber.Scrub(base.ToString()) : base.ToString();
}
