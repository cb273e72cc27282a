using System.Net;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Streaming;

/// <summary>How a <see cref="StreamingChatCompletion"/> behaves as an object: request ids, cancellation, early exit, single use.</summary>
public class StreamLifecycleTests
{
    private const string OneAnswer = "data: {\"id\":\"l\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";

    [Theory(Timeout = 10_000)]
    [InlineData("Moonshot", "x-request-id", "req-moonshot-1")]
    [InlineData("Moonshot", "x-trace-id", "trace-moonshot-1")]
    [InlineData("DeepInfra", "x-request-id", "req-deepinfra-1")]
    [InlineData("Nvidia", "NVCF-REQID", "nvcf-1")]
    [InlineData("Vllm", "X-Request-Id", "req-vllm-1")]
    public async Task The_request_id_header_of_each_profile_is_captured_on_a_stream(string providerName, string header, string value)
    {
        var provider = KimiProvider.FromName(providerName);
        var result = await StreamReplay.ReplayAsync(OneAnswer, provider, [(header, value)], TestContext.Current.CancellationToken);

        Assert.Equal(value, result.Stream.Response!.RequestId);
        Assert.Equal(HttpStatusCode.OK, result.Stream.Response.StatusCode);
        Assert.Equal(value, result.Completion.RequestId);
        Assert.All(result.Updates, u => Assert.Same(result.Stream.Response, u.Response));
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_prefers_x_request_id_when_both_ids_are_sent()
    {
        var result = await StreamReplay.ReplayAsync(OneAnswer, KimiProvider.Moonshot, [("x-trace-id", "trace-1"), ("x-request-id", "req-1")], TestContext.Current.CancellationToken);

        Assert.Equal("req-1", result.Completion.RequestId);
        Assert.Equal("trace-1", string.Join(",", result.Stream.Response!.Headers.GetValues("x-trace-id")));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_without_a_request_id_header_has_a_null_request_id()
    {
        var result = await StreamReplay.ReplayAsync(OneAnswer, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Null(result.Completion.RequestId);
        Assert.NotNull(result.Stream.Response);
    }

    [Fact(Timeout = 10_000)]
    public async Task Response_and_completion_are_null_before_enumeration()
    {
        using var server = StreamReplay.Serve(OneAnswer, ("x-request-id", "r"));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);

        var stream = StreamReplay.Start(client, TestContext.Current.CancellationToken);

        Assert.Null(stream.Response);
        Assert.Null(stream.Completion);
        Assert.Empty(server.LogEntries); // the request is sent when enumeration starts
        await StreamReplay.CollectAsync(stream, TestContext.Current.CancellationToken);
        Assert.Equal("r", stream.Response!.RequestId);
        Assert.Single(server.LogEntries);
    }

    [Fact(Timeout = 10_000)]
    public async Task Cancelling_mid_stream_throws_operation_canceled_and_closes_the_connection()
    {
        var serverSawAbort = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(context => WriteThenHang(context, serverSawAbort));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var stream = StreamReplay.Start(client, cts.Token);
        var seen = new List<string?>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in stream)
            {
                seen.Add(update.ContentDelta);
                await cts.CancelAsync();
            }
        });

        Assert.Equal(["First"], seen);
        await serverSawAbort.Task.WaitAsync(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);
        Assert.Null(stream.Completion);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_enumerator_token_cancels_the_stream_too()
    {
        var serverSawAbort = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(context => WriteThenHang(context, serverSawAbort));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var stream = client.StreamAsync([KimiMessage.User("Hi")], cancellationToken: TestContext.Current.CancellationToken);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in stream.WithCancellation(cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        await serverSawAbort.Task.WaitAsync(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task Breaking_out_of_the_loop_releases_the_response()
    {
        var serverSawAbort = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await LoopbackServer.StartAsync(context => WriteThenHang(context, serverSawAbort));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url);
        var stream = StreamReplay.Start(client, TestContext.Current.CancellationToken);

        await foreach (var update in stream)
        {
            Assert.Equal("First", update.ContentDelta);
            break;
        }

        await serverSawAbort.Task.WaitAsync(TimeSpan.FromSeconds(8), TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 10_000)]
    public async Task Enumerating_a_stream_twice_throws_invalid_operation()
    {
        using var server = StreamReplay.Serve(OneAnswer);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);
        var stream = StreamReplay.Start(client, TestContext.Current.CancellationToken);
        await StreamReplay.CollectAsync(stream, TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var update in stream)
            {
            }
        });

        Assert.Contains("once", exception.Message, StringComparison.Ordinal);
        Assert.Single(server.LogEntries); // no second request was sent
        Assert.Equal("Hi", stream.Completion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_second_enumeration_is_refused_even_after_an_early_break()
    {
        using var server = StreamReplay.Serve(OneAnswer);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);
        var stream = StreamReplay.Start(client, TestContext.Current.CancellationToken);
        await foreach (var update in stream)
        {
            break;
        }

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var update in stream)
            {
            }
        });
    }

    [Theory(Timeout = 10_000)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    public async Task A_server_that_ignores_stream_true_and_answers_json_yields_one_update(string contentType)
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", contentType).WithHeader("x-request-id", "req-json")
            .WithBody(Fixtures.Bytes("Chat/Fixtures/moonshot-response.json")));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);

        var result = await StreamReplay.CollectAsync(StreamReplay.Start(client, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var update = Assert.Single(result.Updates);
        Assert.Equal("IMAGE_OK", update.ContentDelta);
        Assert.Equal(FinishReason.Stop, update.FinishReason);
        Assert.Equal("IMAGE_OK", result.Completion.Text);
        Assert.Equal(string.Empty, result.Completion.Reasoning);
        Assert.Equal(6, result.Completion.Usage!.CachedInputTokens);
        Assert.Equal("req-json", result.Completion.RequestId);
        Assert.False(result.Completion.IsIncomplete);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_json_error_body_with_status_200_on_a_stream_throws_a_typed_error()
    {
        using var server = WireMockServer.Start();
        server.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json")
            .WithBody("""{"error":{"message":"thinking is enabled but reasoning_content is missing in assistant tool call message at index 3","type":"invalid_request_error"}}"""));
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);

        var exception = await Assert.ThrowsAnyAsync<KimiApiException>(() =>
            StreamReplay.CollectAsync(StreamReplay.Start(client, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

        Assert.Contains("reasoning_content is missing", exception.Error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_stream_request_asks_for_an_event_stream()
    {
        using var server = StreamReplay.Serve(OneAnswer);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);

        await StreamReplay.CollectAsync(StreamReplay.Start(client, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var request = Assert.Single(server.LogEntries).RequestMessage;
        Assert.Contains("text/event-stream", request.Headers!["Accept"].Single(), StringComparison.Ordinal);
        Assert.Contains("\"stream\":true", request.Body, StringComparison.Ordinal);
    }

    private static async Task WriteThenHang(HttpContext context, TaskCompletionSource serverSawAbort)
    {
        using var registration = context.RequestAborted.Register(() => serverSawAbort.TrySetResult());
        await LoopbackServer.WriteSseAsync(context, ["data: {\"id\":\"h\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"First\"}}]}\n\n"]);
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            serverSawAbort.TrySetResult();
        }
    }
}
