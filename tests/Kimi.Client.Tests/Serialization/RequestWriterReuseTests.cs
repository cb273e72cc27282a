using System.Net.Http.Headers;
using System.Text;
using Kimi.Client.Http;
using Kimi.Client.Serialization;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// Bodies without media are written by a JSON writer kept per thread and reused (issue 11): nothing of one body may reach
/// the next, whether the previous write succeeded, failed midway, or happened on another thread at the same time, and each
/// body keeps its own buffer until it has been sent. Bodies are compared byte for byte.
/// </summary>
public class RequestWriterReuseTests
{
    private const string Completion =
        """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","reasoning_content":"Greet."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""";

    private static string MoonshotBody(string text) =>
        $$"""{"model":"kimi-k2.6","messages":[{"role":"user","content":"{{text}}"}],"thinking":{"type":"enabled"},"max_completion_tokens":16000}""";

    [Fact]
    public void A_write_that_fails_midway_leaves_nothing_in_the_next_body_written_on_the_same_thread()
    {
        var failing = new ChatCompletionOptions();
        failing.AdditionalProperties["custom"] = UnwritableRequestTests.RefusedValue(); // fails after the messages and options are written

        // Synchronous on purpose: every write here runs on this one thread, so they all go through the same kept writer.
        for (var round = 0; round < 3; round++)
        {
            Assert.Throws<InvalidOperationException>(() => ChatRequestWriter.WriteToBuffer(Request($"broken {round}", failing), out _));

            var body = ChatRequestWriter.WriteToBuffer(Request($"fine {round}"), out var length);
            try
            {
                Assert.Equal(MoonshotBody($"fine {round}"), Encoding.UTF8.GetString(body, 0, length));
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(body);
            }
        }
    }

    [Fact]
    public void Each_buffered_body_keeps_its_own_buffer_while_the_next_is_written_on_the_same_thread()
    {
        var long1 = new string('a', 40_000); // past the default buffer: rented at the size guessed from the text
        var chinese = "开始" + new string('中', 30_000) + "结束"; // 3 bytes a character: past the guess, so the buffer grows while writing
        var first = ChatRequestWriter.WriteToBuffer(Request(long1), out var firstLength);
        var second = ChatRequestWriter.WriteToBuffer(Request("second"), out var secondLength);
        var third = ChatRequestWriter.WriteToBuffer(Request(chinese), out var thirdLength);

        Assert.NotSame(first, second);
        Assert.NotSame(second, third);
        Assert.Equal(MoonshotBody(long1), Encoding.UTF8.GetString(first, 0, firstLength));
        Assert.Equal(MoonshotBody("second"), Encoding.UTF8.GetString(second, 0, secondLength));
        Assert.Equal(MoonshotBody(chinese), Encoding.UTF8.GetString(third, 0, thirdLength));
        System.Buffers.ArrayPool<byte>.Shared.Return(first);
        System.Buffers.ArrayPool<byte>.Shared.Return(second);
        System.Buffers.ArrayPool<byte>.Shared.Return(third);
    }

    [Fact(Timeout = 20_000)]
    public async Task After_calls_whose_bodies_fail_midway_the_next_calls_send_exact_bodies()
    {
        await using var server = await LoopbackServer.StartAsync(Json);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, o => o.Resilience.MaxAttempts = 1);
        var ct = TestContext.Current.CancellationToken;
        var failing = new ChatCompletionOptions();
        failing.AdditionalProperties["custom"] = UnwritableRequestTests.RefusedValue();

        for (var round = 0; round < 5; round++)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => client.CompleteAsync($"broken {round}", failing, ct));
            await Assert.ThrowsAsync<KimiException>(() => client.CompleteAsync([KimiMessage.User(new TextPart("What is it?"), ImagePart.FromStream(new VanishingStream(), "image/png"))], cancellationToken: ct));
            var completion = await client.CompleteAsync($"fine {round}", cancellationToken: ct);
            Assert.Equal("Hi.", completion.Text);
        }

        // Only the fine calls' bodies arrive whole (the media call's body is cut off when its file vanishes).
        var whole = server.RequestBodies.Where(b => b.StartsWith("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"fine""", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(r => MoonshotBody($"fine {r}")), whole);
    }

    [Fact(Timeout = 60_000)]
    public async Task Concurrent_calls_on_many_threads_each_send_exactly_their_own_body()
    {
        await using var server = await LoopbackServer.StartAsync(Json);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        var ct = TestContext.Current.CancellationToken;
        const int Workers = 8;
        const int Calls = 25;

        // Texts of different lengths (some past the first buffer), so a leaked buffer or writer state shows in the bytes.
        static string Text(int worker, int call) => $"w{worker} c{call} " + new string((char)('a' + worker), (worker * 7 + call * 13) % 5 == 0 ? 40_000 : call * 31);

        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(
            async () =>
            {
                for (var c = 0; c < Calls; c++)
                {
                    var completion = await client.CompleteAsync(Text(w, c), cancellationToken: ct);
                    Assert.Equal("Hi.", completion.Text);
                }
            },
            ct));
        await Task.WhenAll(workers);

        var expected = Enumerable.Range(0, Workers).SelectMany(w => Enumerable.Range(0, Calls).Select(c => MoonshotBody(Text(w, c)))).Order(StringComparer.Ordinal);
        Assert.Equal(expected, server.RequestBodies.Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_body_read_by_a_handler_before_sending_is_sent_the_same_with_its_Content_Length_and_type()
    {
        long? length = null;
        string? type = null;
        await using var server = await LoopbackServer.StartAsync(context =>
        {
            length = context.Request.ContentLength;
            type = context.Request.Headers.ContentType;
            return Json(context);
        });
        var peek = new PeekingHandler { InnerHandler = new SocketsHttpHandler() };
        using var http = new HttpClient(peek);
        using var client = new KimiClient(http, TestClients.Options(KimiProvider.Moonshot, server.Url));

        await client.CompleteAsync("peeked", cancellationToken: TestContext.Current.CancellationToken);

        // The handler copied the body out (nothing asked for its length first); the same bytes then went out with a length.
        Assert.Equal(MoonshotBody("peeked"), peek.Seen);
        Assert.Equal(MoonshotBody("peeked"), Assert.Single(server.RequestBodies));
        Assert.Equal(Encoding.UTF8.GetByteCount(MoonshotBody("peeked")), length);

        // The content type is added as text; a handler reading it still gets the typed value.
        Assert.Equal("application/json; charset=utf-8", type);
        Assert.Equal("application/json", peek.Type?.MediaType);
        Assert.Equal("utf-8", peek.Type?.CharSet);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_body_still_being_written_after_the_answer_came_back_keeps_its_bytes_while_later_calls_run()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = "first " + new string('a', 6_000);
        using var handler = new EarlyAnswerHandler();
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new KimiClient(http, TestClients.Options(KimiProvider.Moonshot, "http://127.0.0.1:9"));

        // The first call's answer comes back while its body is still being written (as HTTP/2 goes on sending after an early
        // error); the call ends and disposes its request. Later calls, on this and other threads, rent arrays of that size.
        // The handler completes at once, so the first call, and the ones right after it, run on this thread: the first body's
        // array, once back in the pool, would be the next one rented here.
        await client.CompleteAsync(first, cancellationToken: ct);
        for (var call = 0; call < 5; call++)
        {
            await client.CompleteAsync($"later here {call} " + new string('b', 6_000), cancellationToken: ct);
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(
            async () =>
            {
                for (var call = 0; call < 5; call++)
                {
                    await client.CompleteAsync($"later {worker} {call} " + new string('b', 6_000), cancellationToken: ct);
                }
            },
            ct)));

        handler.Release();
        Assert.Equal(MoonshotBody(first), Encoding.UTF8.GetString(await handler.FirstBody.WaitAsync(ct)));
    }

    private static ChatRequest Request(string text, ChatCompletionOptions? options = null)
    {
        var settings = new ClientSettings(new KimiClientOptions { Provider = KimiProvider.Moonshot, ApiKey = "k", Endpoint = new Uri("http://127.0.0.1:9/v1") });
        return ChatRequest.Create(settings, [KimiMessage.User(text)], options, stream: false, NullLogger.Instance);
    }

    private static async Task Json(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(Completion, context.RequestAborted);
    }

    /// <summary>A caller's handler that reads the body into its own stream before passing the request on.</summary>
    private sealed class PeekingHandler : DelegatingHandler
    {
        public string? Seen { get; private set; }

        public MediaTypeHeaderValue? Type { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            using var copy = new MemoryStream();
            await request.Content!.CopyToAsync(copy, cancellationToken);
            Seen = Encoding.UTF8.GetString(copy.ToArray());
            Type = request.Content.Headers.ContentType;
            return await base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// Answers every request at once; the first request's body is meanwhile written into a stream that holds the write
    /// until <see cref="Release"/> and then copies what the buffer holds at that moment.
    /// </summary>
    private sealed class EarlyAnswerHandler : HttpMessageHandler
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<byte[]> _firstBody = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _requests;

        public Task<byte[]> FirstBody => _firstBody.Task;

        public void Release() => _gate.SetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _requests) == 1)
            {
                _ = WriteLaterAsync(request.Content!); // started here, before the answer: it runs on after the call has ended
            }
            else
            {
                await request.Content!.ReadAsByteArrayAsync(cancellationToken); // later bodies are written (into rented arrays) as sent
            }

            return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(Completion, Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
        }

        private async Task WriteLaterAsync(HttpContent content)
        {
            try
            {
                await content.CopyToAsync(new HeldStream(_gate.Task, _firstBody));
            }
            catch (Exception ex)
            {
                _firstBody.TrySetException(ex);
            }
        }
    }

    /// <summary>A stream whose one write waits for a gate, then keeps a copy of the bytes it was handed.</summary>
    private sealed class HeldStream(Task gate, TaskCompletionSource<byte[]> written) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await gate;
            written.TrySetResult(buffer.ToArray());
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>An image whose file goes away after its first bytes were read.</summary>
    private sealed class VanishingStream : MemoryStream
    {
        public VanishingStream()
            : base([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4])
        {
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position == 0 ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("the file went away");
    }
}
