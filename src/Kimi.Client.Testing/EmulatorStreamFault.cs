namespace Kimi.Client.Testing;

/// <summary>A failure injected into a streamed reply, after a given number of chunks.</summary>
/// <remarks>Faults apply to streamed requests (<c>"stream":true</c>) only; a non-streamed request gets the reply without it.</remarks>
public sealed class EmulatorStreamFault
{
    private EmulatorStreamFault(EmulatorStreamFaultKind kind, int afterChunks, string message)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        Kind = kind;
        AfterChunks = afterChunks;
        Message = message;
    }

    /// <summary>Gets how the stream breaks.</summary>
    public EmulatorStreamFaultKind Kind { get; }

    /// <summary>Gets how many chunk events (not counting <c>[DONE]</c>) are sent before the fault; larger values fault just before <c>[DONE]</c>.</summary>
    public int AfterChunks { get; }

    /// <summary>Gets the error message carried by an <see cref="EmulatorStreamFaultKind.ErrorFrame"/>.</summary>
    public string Message { get; }

    /// <summary>Creates a fault that sends the dialect's mid-stream error event after <paramref name="afterChunks"/> chunks.</summary>
    /// <param name="afterChunks">The number of chunks sent first.</param>
    /// <param name="message">The error message; defaults to <c>Emulated stream failure</c>.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static EmulatorStreamFault ErrorFrame(int afterChunks, string? message = null) =>
        new(EmulatorStreamFaultKind.ErrorFrame, afterChunks, message ?? "Emulated stream failure");

    /// <summary>Creates a fault that ends the stream without <c>[DONE]</c> after <paramref name="afterChunks"/> chunks.</summary>
    /// <param name="afterChunks">The number of chunks sent first.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static EmulatorStreamFault Cut(int afterChunks) => new(EmulatorStreamFaultKind.Cut, afterChunks, string.Empty);

    /// <summary>Creates a fault that sends a non-JSON <c>data:</c> line after <paramref name="afterChunks"/> chunks.</summary>
    /// <param name="afterChunks">The number of chunks sent first.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static EmulatorStreamFault MalformedChunk(int afterChunks) => new(EmulatorStreamFaultKind.MalformedChunk, afterChunks, string.Empty);
}
