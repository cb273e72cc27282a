using System.Text.Json.Nodes;
using Kimi.Client.Tests.Serialization;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// Stream-reader paths the other streaming tests reach only by accident: a whole JSON answer to a streaming request on a
/// host whose reasoning arrives inline (the splitter runs on it and stamps its warning), and the warning logged when a
/// finished stream loses its <c>[DONE]</c>.
/// </summary>
public class StreamReaderEdgeTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_whole_answer_to_a_streaming_request_is_split_into_reasoning_and_text_on_an_inline_host()
    {
        using var server = RecordingServer.Start(InlineReasoningTests.Body(" Compare 9.11 and 9.9. </think> 9.9 is bigger."));
        using var client = server.Client(InlineReasoningTests.InlineVllm);

        var stream = client.StreamAsync("Which is bigger?", cancellationToken: TestContext.Current.CancellationToken);
        var updates = new List<ChatCompletionUpdate>();
        await foreach (var update in stream)
        {
            updates.Add(update);
        }

        Assert.Equal(" Compare 9.11 and 9.9.", string.Concat(updates.Select(u => u.ReasoningDelta)));
        Assert.Equal("9.9 is bigger.", string.Concat(updates.Select(u => u.ContentDelta)).TrimStart());
        Assert.DoesNotContain(updates, u => (u.ContentDelta ?? string.Empty).Contains("</think>", StringComparison.Ordinal));
        Assert.Equal(" Compare 9.11 and 9.9.", stream.Completion!.Reasoning);
        Assert.Equal("9.9 is bigger.", stream.Completion.Text.TrimStart());
        Assert.True(JsonNode.Parse(server.Body)!["stream"]!.GetValue<bool>()); // it was a streaming request
    }

    [Fact(Timeout = 10_000)]
    public async Task A_whole_answer_without_a_closing_tag_to_a_streaming_request_carries_the_splitters_warning()
    {
        using var server = RecordingServer.Start(InlineReasoningTests.Body(" I think the answer is 42"));
        using var client = server.Client(InlineReasoningTests.InlineVllm);

        var stream = client.StreamAsync("?", cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var update in stream)
        {
            Assert.NotNull(update);
        }

        Assert.Contains("I think the answer is 42", stream.Completion!.Text, StringComparison.Ordinal);
        var warning = Assert.Single(stream.Completion.Warnings);
        Assert.Equal(ChatCompletionWarning.InlineReasoningUnterminated, warning.Code);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_finished_stream_that_loses_its_DONE_is_returned_flagged_and_logged_once()
    {
        using var server = RecordingServer.StartStreaming(
            """
            data: {"id":"d","choices":[{"index":0,"delta":{"content":"Done"},"finish_reason":null}]}
            data: {"id":"d","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}
            """);
        using var logging = RecordingServer.Logging(out var logs);
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: logging);

        var stream = client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var update in stream)
        {
            Assert.NotNull(update);
        }

        Assert.Equal("Done", stream.Completion!.Text);
        Assert.True(stream.Completion.IsIncomplete);
        var line = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 8);
        Assert.Contains("without [DONE]", line.Message, StringComparison.Ordinal);
    }
}
