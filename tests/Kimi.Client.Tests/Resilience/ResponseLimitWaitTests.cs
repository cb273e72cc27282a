using System.Net;
using System.Text;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Kimi.Client.Tests.Resilience;

/// <summary>
/// A try's response limit (<see cref="KimiResilienceOptions.ResponseTimeout"/>) times waits for the server, as the body's
/// pause limit and the stream's watchdog do: it starts when the send, the body read or the error body's read first has to
/// wait. An answer already there (an in-process handler) is not timed by the caller's own synchronous work; a body that keeps
/// the try waiting is. What is left of the total limit, when it ends first, is a deadline from the try's start.
/// </summary>
public class ResponseLimitWaitTests
{
    private const string Completion =
        """{"id":"c1","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"Hi.","reasoning_content":"Greet."},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}""";

    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(300);

    [Fact(Timeout = 10_000)]
    public async Task An_answer_that_was_already_there_is_not_timed_by_the_handlers_own_synchronous_work()
    {
        // The handler's work before it answers moves the clock past the limit, but nothing waited for the server.
        var time = new FakeTimeProvider();
        using var http = new HttpClient(new AnswerAtOnceHandler(() => time.Advance(Limit * 3), () => new ByteArrayContent(Encoding.UTF8.GetBytes(Completion))));
        using var client = new KimiClient(http, Options(), timeProvider: time);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Hi.", completion.Text);
        Assert.Equal(KimiAttemptOutcome.Succeeded, Assert.Single(completion.Attempts).Outcome);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_total_limit_is_a_deadline_even_for_an_answer_that_was_already_there()
    {
        // The total limit ends before the response limit, so it is the try's limit, and it runs from the try's start.
        var time = new FakeTimeProvider();
        var options = Options();
        options.Resilience.TotalTimeout = TimeSpan.FromMilliseconds(200);
        using var http = new HttpClient(new AnswerAtOnceHandler(() => time.Advance(TimeSpan.FromSeconds(1)), () => new ByteArrayContent(Encoding.UTF8.GetBytes(Completion))));
        using var client = new KimiClient(http, options, timeProvider: time);

        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("TotalTimeout", ex.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_body_that_keeps_the_try_waiting_after_headers_that_came_at_once_is_ended_by_the_response_limit()
    {
        // Headers at once (the send never waits), then a byte every 20 ms: never a pause near the idle limit, but the body
        // would take about 5 s, far past the 0.3 s response limit, which starts with the body's first wait.
        using var http = new HttpClient(new AnswerAtOnceHandler(() => { }, () => new StreamContent(new TricklingStream(Encoding.UTF8.GetBytes(Completion)))));
        using var client = new KimiClient(http, Options());

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("ResponseTimeout", ex.Message);
        Assert.Equal(Limit, ex.Timeout);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3), "ended by the response limit, not by the end of the body");
    }

    [Fact(Timeout = 10_000)]
    public async Task An_error_body_that_keeps_the_try_waiting_after_headers_that_came_at_once_is_ended_by_the_response_limit()
    {
        var error = Encoding.UTF8.GetBytes("""{"error":{"message":"The server had an error while processing your request.","type":"server_error"}}""");
        using var http = new HttpClient(new AnswerAtOnceHandler(() => { }, () => new StreamContent(new TricklingStream(error)), HttpStatusCode.InternalServerError));
        using var client = new KimiClient(http, Options());

        var started = DateTime.UtcNow;
        var ex = await Assert.ThrowsAsync<KimiTimeoutException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("ResponseTimeout", ex.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1.5), "ended by the response limit, not by the end of the error body");
    }

    private static KimiClientOptions Options() => new()
    {
        ApiKey = "test-key",
        Endpoint = new Uri("http://127.0.0.1:9/v1"),
        Resilience = { ResponseTimeout = Limit, IdleTimeout = TimeSpan.FromSeconds(5), MaxAttempts = 1 },
    };

    // SendAsync completes synchronously: HttpClient hands back a completed task, as for any in-process answer.
    private sealed class AnswerAtOnceHandler(Action beforeAnswer, Func<HttpContent> content, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            beforeAnswer();
            var body = content();
            body.Headers.ContentType = new("application/json");
            return Task.FromResult(new HttpResponseMessage(status) { Content = body, RequestMessage = request });
        }
    }

    private sealed class TricklingStream(byte[] bytes) : AsyncReadStream
    {
        private int _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position == bytes.Length)
            {
                return 0;
            }

            await Task.Delay(20, cancellationToken);
            buffer.Span[0] = bytes[_position++];
            return 1;
        }
    }
}
