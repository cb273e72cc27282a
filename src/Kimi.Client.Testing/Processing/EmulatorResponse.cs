namespace Kimi.Client.Testing.Processing;

/// <summary>A transport-neutral response: a fixed body, or a list of SSE events written one by one.</summary>
internal sealed class EmulatorResponse
{
    public const string JsonContentType = "application/json";
    public const string EventStreamContentType = "text/event-stream";

    private EmulatorResponse(int statusCode)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; }

    public string? ContentType { get; private set; }

    public byte[] Body { get; private set; } = [];

    /// <summary>Gets the SSE events (each a complete <c>data: …\n\n</c>), or <see langword="null"/> for a fixed body.</summary>
    public IReadOnlyList<byte[]>? Events { get; private set; }

    /// <summary>Gets whether the stream is cut (no graceful end) after the last event.</summary>
    public bool CutAfterEvents { get; private set; }

    public TimeSpan Delay { get; set; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    public static EmulatorResponse Json(int statusCode, byte[] body) =>
        new(statusCode) { ContentType = JsonContentType, Body = body };

    public static EmulatorResponse Raw(int statusCode, string? contentType, byte[] body) =>
        new(statusCode) { ContentType = contentType, Body = body };

    public static EmulatorResponse Empty(int statusCode) => new(statusCode);

    public static EmulatorResponse EventStream(IReadOnlyList<byte[]> events, bool cutAfterEvents) =>
        new(200) { ContentType = EventStreamContentType, Events = events, CutAfterEvents = cutAfterEvents };

    /// <summary>Sets a header, replacing one of the same name (case-insensitive); <c>Content-Type</c> replaces <see cref="ContentType"/>.</summary>
    public void SetHeader(string name, string value)
    {
        if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            ContentType = value;
            return;
        }

        Headers.RemoveAll(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase));
        Headers.Add(new(name, value));
    }
}
