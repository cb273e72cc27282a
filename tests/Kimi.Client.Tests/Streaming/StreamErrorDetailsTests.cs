using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// What a stream failure tells the caller besides its type: the request id (conformance 32) in the message of a cut
/// stream and of an unreadable event, a plain-text <c>event: error</c> read as the provider's error message, and no
/// invented event number for a whole JSON body.
/// </summary>
public class StreamErrorDetailsTests
{
    private const string Partial = """data: {"id":"r","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"Partial"},"finish_reason":null}]}""";

    private static async Task<T> FailAsync<T>(string sse, (string Name, string Value)[] headers, CancellationToken cancellationToken)
        where T : Exception
    {
        using var server = StreamReplay.Serve(sse, headers);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);
        return await Assert.ThrowsAsync<T>(async () => await StreamReplay.CollectAsync(StreamReplay.Start(client, cancellationToken), cancellationToken));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_cut_stream_names_the_request_id()
    {
        var exception = await FailAsync<KimiStreamIncompleteException>(StreamReplay.Lines(Partial), [("x-request-id", "req-cut-1")], TestContext.Current.CancellationToken);

        Assert.Equal("req-cut-1", exception.RequestId);
        Assert.Contains("the stream ended without a finish reason or [DONE]", exception.Message, StringComparison.Ordinal); // what was missing
        Assert.EndsWith(" Request id: req-cut-1.", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_cut_stream_without_a_request_id_does_not_mention_one()
    {
        var exception = await FailAsync<KimiStreamIncompleteException>(StreamReplay.Lines(Partial), [], TestContext.Current.CancellationToken);

        Assert.Null(exception.RequestId);
        Assert.DoesNotContain("Request id", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_unreadable_event_names_the_request_id_and_the_event()
    {
        var exception = await FailAsync<KimiResponseFormatException>(
            StreamReplay.Lines(Partial, "data: {not json", "data: [DONE]"), [("x-request-id", "req-bad-2")], TestContext.Current.CancellationToken);

        Assert.EndsWith(" Request id: req-bad-2.", exception.Message, StringComparison.Ordinal);
        Assert.Contains("(event 2, payload: {not json)", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_unreadable_event_without_a_request_id_does_not_mention_one()
    {
        var exception = await FailAsync<KimiResponseFormatException>(StreamReplay.Lines(Partial, "data: {not json", "data: [DONE]"), [], TestContext.Current.CancellationToken);

        Assert.DoesNotContain("Request id", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_plain_text_error_event_is_the_providers_error_message()
    {
        var result = StreamReplay.ReplayLoopbackAsync(context => LoopbackServer.WriteSseAsync(context,
        [
            Partial + "\n\n",
            "event: error\ndata: upstream connect error or disconnect/reset before headers\n\n",
            "data: [DONE]\n\n",
        ]), TestContext.Current.CancellationToken);

        var exception = await Assert.ThrowsAsync<KimiServerException>(() => result);

        Assert.Equal("upstream connect error or disconnect/reset before headers", exception.Error.Message);
        Assert.True(exception.IsStreamError);
        Assert.Equal("Partial", exception.PartialCompletion!.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_unreadable_whole_json_body_on_a_stream_names_no_event_number()
    {
        // A server that ignores "stream": true answers with one JSON document; one without choices cannot be read.
        using var server = RecordingServerFor("""{"id":"whole-1","object":"chat.completion","created":1,"model":"kimi-k2.6"}""");
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);

        var exception = await Assert.ThrowsAsync<KimiResponseFormatException>(
            async () => await StreamReplay.CollectAsync(StreamReplay.Start(client, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

        Assert.Contains("(chunk \"whole-1\")", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("event 0", exception.Message, StringComparison.Ordinal);
    }

    private static WireMock.Server.WireMockServer RecordingServerFor(string json)
    {
        var server = WireMock.Server.WireMockServer.Start();
        server.Given(WireMock.RequestBuilders.Request.Create().UsingPost())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(json));
        return server;
    }
}
