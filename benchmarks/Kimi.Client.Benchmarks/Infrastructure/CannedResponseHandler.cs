using System.Net;
using System.Net.Http.Headers;
using Kimi.Client.Benchmarks.Workloads;

namespace Kimi.Client.Benchmarks.Infrastructure;

/// <summary>
/// An in-memory server: reads the request body to the end (as a socket transport would serialize it) and answers with
/// the workload's canned bytes, through a fresh <see cref="ByteArrayContent"/> over the shared array on every call.
/// One per client; benchmarks are single-threaded.
/// </summary>
public sealed class CannedResponseHandler : HttpMessageHandler
{
    private readonly CountingStream _drain = new();
    private Workload? _workload;

    /// <summary>Bytes of the last request body.</summary>
    public long LastRequestBytes { get; private set; }

    /// <summary>Validation only: keep a copy of each request body.</summary>
    public bool CaptureRequests { get; set; }

    public byte[]? LastRequest { get; private set; }

    public void Serve(Workload workload) => _workload = workload;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var workload = _workload ?? throw new InvalidOperationException("No workload to serve.");
        _drain.Reset(CaptureRequests);
        if (request.Content is { } content)
        {
            await content.CopyToAsync(_drain, cancellationToken).ConfigureAwait(false);
        }

        LastRequestBytes = _drain.Count;
        LastRequest = CaptureRequests ? _drain.Captured : null;

        var body = new ByteArrayContent(workload.ResponseBody);
        body.Headers.ContentType = new MediaTypeHeaderValue(workload.MediaType);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = body, RequestMessage = request };
    }

    /// <summary>A write-only stream that counts (and, when validating, keeps) what is written.</summary>
    private sealed class CountingStream : Stream
    {
        private MemoryStream? _capture;

        public long Count { get; private set; }

        public byte[]? Captured => _capture?.ToArray();

        public void Reset(bool capture)
        {
            Count = 0;
            _capture = capture ? new MemoryStream() : null;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Count += buffer.Length;
            _capture?.Write(buffer);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
