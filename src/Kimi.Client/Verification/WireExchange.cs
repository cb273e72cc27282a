using System.Net;

namespace Kimi.Client.Verification;

/// <summary>One HTTP exchange as the wire carried it: status, headers and the response bytes the SDK read (bounded).</summary>
internal sealed class WireExchange
{
    private const int MaxCapturedBytes = 8 * 1024 * 1024;
    private readonly List<byte> _body = [];

    public WireExchange(string method, string path, HttpStatusCode status, IReadOnlyDictionary<string, string> headers, string? contentType)
    {
        Method = method;
        Path = path;
        Status = status;
        Headers = headers;
        ContentType = contentType;
    }

    public string Method { get; }

    public string Path { get; }

    public HttpStatusCode Status { get; }

    /// <summary>Response and content headers, by lower-case name; several values joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? ContentType { get; }

    public bool IsEventStream => ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true;

    public bool IsChat => Path.EndsWith("/chat/completions", StringComparison.Ordinal);

    /// <summary>Whether the body went past the capture limit (then it is not judged).</summary>
    public bool Truncated { get; private set; }

    /// <summary>The bytes the SDK read from the body.</summary>
    public byte[] Body
    {
        get
        {
            lock (_body)
            {
                return [.. _body];
            }
        }
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_body)
        {
            var room = MaxCapturedBytes - _body.Count;
            if (bytes.Length > room)
            {
                Truncated = true;
                bytes = bytes[..Math.Max(0, room)];
            }

            _body.AddRange(bytes);
        }
    }

    public bool HasHeader(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) && !string.IsNullOrWhiteSpace(value);
}
