using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// Spec-review regressions for the stream reader: out-of-range timestamps, flat error frames, [DONE] without a finish
/// reason, the idle clock while the caller holds an update, and format errors that name the failing event.
/// </summary>
public class StreamParserHardeningTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_millisecond_created_timestamp_is_read_as_milliseconds_not_thrown()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"ms","created":1714000000000,"choices":[{"index":0,"delta":{"content":"Hi"}}]}""",
            """data: {"id":"ms","created":1714000000000,"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hi", result.Completion.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1714000000000), result.Completion.Created);
        Assert.Same(result.Updates[0].Metadata, result.Updates[1].Metadata); // same timestamp: metadata reused, not re-allocated
    }

    [Theory(Timeout = 10_000)]
    [InlineData("-9000000000000000000")]
    [InlineData("9000000000000000000")]
    [InlineData("-62135596801")]
    [InlineData("1e300")]
    public async Task A_created_timestamp_out_of_range_is_ignored(string created)
    {
        var sse = StreamReplay.Lines(
            $$"""data: {"id":"r","created":{{created}},"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Hi", result.Completion.Text);
        Assert.Null(result.Completion.Created);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("100000000000", "5138-11-16T09:46:40+00:00")]  // 10^11: the last value read as seconds
    [InlineData("100000000001", "1973-03-03T09:46:40.001+00:00")] // one above: milliseconds
    [InlineData("253402300799000", "9999-12-31T23:59:59+00:00")] // the last millisecond value a DateTimeOffset holds
    public async Task A_created_timestamp_is_seconds_up_to_ten_to_the_eleventh_and_milliseconds_above(string created, string expected)
    {
        var sse = StreamReplay.Lines(
            $$"""data: {"id":"t","created":{{created}},"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), result.Completion.Created);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_chunk_with_both_an_error_and_an_errors_list_is_an_error()
    {
        // Either field alone makes a chunk an error; both together must not cancel out.
        var sse = StreamReplay.Lines(
            """data: {"id":"e","choices":[{"index":0,"delta":{"content":"Partial"},"finish_reason":null}]}""",
            """data: {"error":{"message":"Rate limit reached","type":"rate_limit_error","code":429},"errors":[{"code":3040,"message":"Capacity temporarily exceeded"}]}""",
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiException>(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Partial", exception.PartialCompletion?.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_chunk_that_is_not_json_is_named_as_such_and_quoted_only_in_part()
    {
        // The error names the fault and quotes a short excerpt; the parser keeps only the payload's start for it however long
        // the broken chunk is (PayloadCaptureLength), so a huge broken event is never copied whole into the error path.
        var broken = "{\"id\":\"x\",\"choices\":[" + new string('x', 100_000);
        var sse = StreamReplay.Lines(
            """data: {"id":"e","choices":[{"index":0,"delta":{"content":"Partial"},"finish_reason":null}]}""",
            "data: " + broken,
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(sse, TestContext.Current.CancellationToken);

        Assert.Contains("it is not valid JSON", exception.Message, StringComparison.Ordinal);
        Assert.Equal("Partial", exception.PartialCompletion?.Text);

        var parsed = new Kimi.Client.Serialization.ChunkParser(null, new ReasoningOrigin("moonshot", "kimi-k2.6")).ParseEvent(System.Text.Encoding.UTF8.GetBytes(broken));
        Assert.Equal(Kimi.Client.Serialization.ParsedKind.Invalid, parsed.Kind);
        Assert.Equal(Kimi.Client.Serialization.ChunkParser.PayloadCaptureLength, parsed.Payload!.Length);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_flat_object_error_frame_followed_by_done_throws_with_the_partial_text()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"e","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null}]}""",
            """data: {"object":"error","message":"Sampling failed","type":"BadRequestError","param":null,"code":400}""",
            "data: [DONE]");

        var (exception, updates) = await StreamReplay.ReplayFailingAsync<KimiApiException>(sse, KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.IsType<KimiBadRequestException>(exception);
        Assert.True(exception.IsStreamError);
        Assert.Equal(HttpStatusCode.BadRequest, exception.Status);
        Assert.Equal("Sampling failed", exception.Error.Message);
        Assert.Equal("BadRequestError", exception.Error.Type);
        Assert.Equal("400", exception.Error.Code);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
        Assert.Equal("Partial", Assert.Single(updates).ContentDelta);
    }

    [Fact(Timeout = 10_000)]
    public async Task Done_without_any_finish_reason_is_returned_flagged_incomplete_and_logged()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"nf","choices":[{"index":0,"delta":{"content":"Half"},"finish_reason":null}]}""",
            "data: [DONE]");
        var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var server = StreamReplay.Serve(sse);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!, loggerFactory: factory);

        var result = await StreamReplay.CollectAsync(StreamReplay.Start(client, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.True(result.Completion.IsIncomplete);
        Assert.Equal("Half", result.Completion.Text);
        Assert.Null(result.Completion.FinishReason);
        var record = Assert.Single(logs.Collector.GetSnapshot(), r => r.Id.Id == 12);
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Contains("without a finish reason", record.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task Done_after_a_finish_reason_is_complete_and_not_logged()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"f","choices":[{"index":0,"delta":{"content":"All"},"finish_reason":"stop"}]}""",
            "data: [DONE]");
        var logs = new FakeLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var server = StreamReplay.Serve(sse);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!, loggerFactory: factory);

        var result = await StreamReplay.CollectAsync(StreamReplay.Start(client, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.False(result.Completion.IsIncomplete);
        Assert.DoesNotContain(logs.Collector.GetSnapshot(), r => r.Id.Id is 8 or 12);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_slow_consumer_does_not_trip_the_idle_timeout()
    {
        await using var server = await LoopbackServer.StartAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            "data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"One\"}}]}\n\n",
            "data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" two\"}}]}\n\n",
            "data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" three\"},\"finish_reason\":\"stop\"}]}\n\n",
            "data: [DONE]\n\n",
        ], delay: TimeSpan.FromMilliseconds(50))); // prompt, but in separate packets: the reader goes back to the socket
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, configure: o => o.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(200));
        var cancellationToken = TestContext.Current.CancellationToken;
        var stream = StreamReplay.Start(client, cancellationToken);

        var count = 0;
        await foreach (var update in stream.WithCancellation(cancellationToken))
        {
            count++;
            await Task.Delay(600, cancellationToken); // the caller is busy, the server is not
        }

        Assert.Equal(3, count);
        Assert.Equal("One two three", stream.Completion!.Text);
        Assert.False(stream.Completion.IsIncomplete);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_slow_consumer_of_a_body_whose_reads_all_complete_at_once_does_not_trip_the_idle_timeout()
    {
        // A handler that answers from memory (a cache, a recording): no read ever waits, so no wait may be timed, not even
        // the one the stream starts in. 60 events, several reads of the parser's buffer after the caller's long hold.
        var events = Enumerable.Range(0, 60).Select(i => $"data: {{\"id\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"word{i:00} \"}}}}]}}\n\n");
        var body = string.Concat(events) + "data: {\"id\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
        using var http = new HttpClient(new InMemoryHandler(System.Text.Encoding.UTF8.GetBytes(body)));
        var options = TestClients.Options(KimiProvider.Moonshot, "http://in-memory");
        options.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(200);
        options.Resilience.FirstChunkTimeout = TimeSpan.FromMilliseconds(200);
        using var client = new KimiClient(http, options);
        var cancellationToken = TestContext.Current.CancellationToken;
        var stream = client.StreamAsync("Hi", cancellationToken: cancellationToken);

        var count = 0;
        await foreach (var update in stream.WithCancellation(cancellationToken))
        {
            if (count++ == 0)
            {
                await Task.Delay(600, cancellationToken); // the caller is busy; the bytes are all there
            }
        }

        Assert.Equal(61, count);
        Assert.StartsWith("word00 word01 ", stream.Completion!.Text, StringComparison.Ordinal);
        Assert.False(stream.Completion.IsIncomplete);
    }

    [Fact(Timeout = 15_000)]
    public async Task A_failure_already_in_the_buffer_comes_back_in_MoveNextAsyncs_task_not_thrown_from_the_call()
    {
        // One write: the error event is buffered with the update before it, so the reader meets it without waiting. A caller
        // holding the task (Task.WhenAny, a pipeline) must get it there, as from any async enumerator.
        await using var server = await LoopbackServer.StartAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            "data: {\"id\":\"e\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Partial\"}}]}\n\n" +
            "event: error\ndata: {\"error\":{\"message\":\"upstream overloaded\",\"type\":\"server_error\"}}\n\n",
        ]));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        var cancellationToken = TestContext.Current.CancellationToken;
        var enumerator = StreamReplay.Start(client, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            Assert.True(await enumerator.MoveNextAsync());
            Assert.Equal("Partial", enumerator.Current.ContentDelta);

            var next = enumerator.MoveNextAsync(); // must not throw here

            var exception = await Assert.ThrowsAnyAsync<KimiException>(async () => await next);
            Assert.Contains("upstream overloaded", exception.Message, StringComparison.Ordinal);
            Assert.Equal("Partial", exception.PartialCompletion!.Text);
            Assert.False(await enumerator.MoveNextAsync()); // and the stream is over
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task A_silent_server_still_trips_the_idle_timeout_after_a_slow_consumer_resumes()
    {
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            await LoopbackServer.WriteSseAsync(context, ["data: {\"id\":\"s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"One\"}}]}\n\n"]);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url, configure: o => o.Resilience.IdleTimeout = TimeSpan.FromMilliseconds(300));
        var cancellationToken = TestContext.Current.CancellationToken;

        var exception = await Assert.ThrowsAsync<KimiTimeoutException>(async () =>
        {
            await foreach (var update in StreamReplay.Start(client, cancellationToken).WithCancellation(cancellationToken))
            {
                await Task.Delay(600, cancellationToken);
            }
        });

        Assert.Contains("IdleTimeout", exception.Message, StringComparison.Ordinal);
        Assert.Equal("One", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_malformed_index_error_names_the_event_number_chunk_id_and_a_scrubbed_excerpt()
    {
        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(
            StreamReplay.Fixture("conformance-22-malformed-index.sse"), TestContext.Current.CancellationToken);

        Assert.Contains("event 2", exception.Message, StringComparison.Ordinal);
        Assert.Contains("chunk \"chatcmpl-m\"", exception.Message, StringComparison.Ordinal);
        Assert.Contains("payload: {\"id\":\"chatcmpl-m\"", exception.Message, StringComparison.Ordinal);
        Assert.Contains("not-a-number", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_payload_excerpt_is_short_and_never_carries_the_api_key()
    {
        var padding = new string('x', 300);
        var sse = StreamReplay.Lines(
            """data: {"id":"k","choices":[{"index":0,"delta":{"content":"A"}}]}""",
            ": keep-alive",
            $$$"""data: {"id":"k","echo":"{{{TestClients.ApiKey}}}","choices":[{"index":0,"delta":{"tool_calls":[{"index":"bad"}]}}],"pad":"{{{padding}}}"}""",
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(sse, TestContext.Current.CancellationToken);

        Assert.Contains("event 2", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestClients.ApiKey, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestClients.ApiKey[..8], exception.Message, StringComparison.Ordinal);
        Assert.Contains("[redacted]", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(padding[..130], exception.Message, StringComparison.Ordinal);
        var excerpt = exception.Message[(exception.Message.IndexOf("payload: ", StringComparison.Ordinal) + "payload: ".Length)..];
        Assert.True(excerpt.IndexOf('…') is > 0 and < 120, exception.Message);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_data_line_that_is_not_json_names_its_event_number()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"j","choices":[{"index":0,"delta":{"content":"A"}}]}""",
            """data: {"id":"j","choices":[{"index":0,"delta":{"content":"B"}}]}""",
            "data: not json at all",
            "data: [DONE]");

        var (exception, _) = await StreamReplay.ReplayFailingAsync<KimiResponseFormatException>(sse, TestContext.Current.CancellationToken);

        Assert.Contains("event 3", exception.Message, StringComparison.Ordinal);
        Assert.Contains("payload: not json at all", exception.Message, StringComparison.Ordinal);
        Assert.Equal("AB", exception.PartialCompletion!.Text);
    }

    private sealed class InMemoryHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }
}
