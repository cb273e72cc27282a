using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// What fails while the body is read: only transport failures (<see cref="IOException"/>, <see cref="HttpRequestException"/>)
/// become "connection failed mid-stream" with the partial; anything else (a bug in a handler, a disposed stream) reaches
/// the caller as it was thrown, never relabelled as a network fault.
/// </summary>
public class MidStreamReadFailureTests
{
    private const string First = """data: {"id":"f","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}""" + "\n\n";

    /// <summary>
    /// A real Kestrel server sends the first chunk and then keeps the stream open; the client's handler wraps the body so
    /// that the read after the first chunk throws <paramref name="failure"/>.
    /// </summary>
    private static async Task<Exception> FailAfterFirstChunkAsync(Func<Exception> failure, CancellationToken cancellationToken)
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(First, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        using var http = new HttpClient(new FailingBodyHandler(failure) { InnerHandler = new SocketsHttpHandler() }) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new KimiClient(http, TestClients.Options(KimiProvider.Moonshot, server.Url));
        var texts = new List<string?>();

        var exception = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in client.StreamAsync("Hello", cancellationToken: cancellationToken))
            {
                texts.Add(update.ContentDelta);
            }
        });

        Assert.Equal(["Hel"], texts);
        return Assert.IsAssignableFrom<Exception>(exception);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_io_failure_mid_stream_is_a_cut_stream_with_the_partial()
    {
        var exception = await FailAfterFirstChunkAsync(() => new IOException("connection reset by peer"), TestContext.Current.CancellationToken);

        var incomplete = Assert.IsType<KimiStreamIncompleteException>(exception, exactMatch: true);
        Assert.Contains("the connection failed mid-stream", incomplete.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(incomplete.InnerException);
        Assert.Equal("Hel", incomplete.PartialCompletion!.Text);
        Assert.Single(incomplete.Attempts);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_http_request_failure_mid_stream_is_a_cut_stream_with_the_partial()
    {
        var exception = await FailAfterFirstChunkAsync(() => new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely."), TestContext.Current.CancellationToken);

        var incomplete = Assert.IsType<KimiStreamIncompleteException>(exception, exactMatch: true);
        Assert.IsType<HttpRequestException>(incomplete.InnerException);
        Assert.Equal("Hel", incomplete.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_io_failure_after_the_finish_reason_returns_the_answer_flagged_incomplete()
    {
        var finish = """data: {"id":"f","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}""" + "\n\n";
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(First + finish, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        using var http = new HttpClient(new FailingBodyHandler(() => new IOException("reset")) { InnerHandler = new SocketsHttpHandler() }) { Timeout = Timeout.InfiniteTimeSpan };
        using var client = new KimiClient(http, TestClients.Options(KimiProvider.Moonshot, server.Url));

        var result = await StreamReplay.CollectAsync(client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.True(result.Completion.IsIncomplete);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("invalid")]
    [InlineData("disposed")]
    [InlineData("notsupported")]
    public async Task A_non_transport_failure_mid_stream_surfaces_as_it_was_thrown(string kind)
    {
        Exception Failure() => kind switch
        {
            "invalid" => new InvalidOperationException("handler bug"),
            "disposed" => new ObjectDisposedException("body"),
            _ => new NotSupportedException("no reads"),
        };

        var exception = await FailAfterFirstChunkAsync(Failure, TestContext.Current.CancellationToken);

        Assert.IsType(Failure().GetType(), exception, exactMatch: true);
        Assert.IsNotAssignableFrom<KimiException>(exception);
    }

    /// <summary>Passes the response through with a body that throws after the bytes the server sent first.</summary>
    private sealed class FailingBodyHandler(Func<Exception> failure) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var inner = await response.Content.ReadAsStreamAsync(cancellationToken);
            var content = new StreamContent(new FailAfterFirstReadStream(inner, failure));
            foreach (var header in response.Content.Headers)
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = content;
            return response;
        }
    }

    /// <summary>Returns what the first read returns, then throws on every later read.</summary>
    private sealed class FailAfterFirstReadStream(Stream inner, Func<Exception> failure) : AsyncReadStream
    {
        private bool _readOnce;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_readOnce)
            {
                throw failure();
            }

            _readOnce = true;
            return await inner.ReadAsync(buffer, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
