namespace Kimi.Client.Testing;

/// <summary>How an <see cref="EmulatorStreamFault"/> breaks a streamed reply.</summary>
public enum EmulatorStreamFaultKind
{
    /// <summary>
    /// An error event in the dialect's mid-stream shape, after which the stream ends; vLLM and SGLang still send
    /// <c>data: [DONE]</c> after it, as vLLM does.
    /// </summary>
    ErrorFrame = 0,

    /// <summary>
    /// The stream stops without <c>data: [DONE]</c>: in memory the content stream simply ends; on the loopback server the
    /// connection is aborted.
    /// </summary>
    Cut = 1,

    /// <summary>A <c>data:</c> line that is not JSON; the stream then continues normally to <c>data: [DONE]</c>.</summary>
    MalformedChunk = 2,
}
