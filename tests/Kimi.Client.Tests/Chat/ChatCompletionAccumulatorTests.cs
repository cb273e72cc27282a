using static Kimi.Client.KimiModelFactory;

namespace Kimi.Client.Tests.Chat;

/// <summary><see cref="ChatCompletionAccumulator"/> folds updates built with <see cref="KimiModelFactory"/>: whole and partial results.</summary>
public class ChatCompletionAccumulatorTests
{
    [Fact]
    public void Text_reasoning_finish_and_usage_are_folded_into_a_whole_completion()
    {
        var response = ResponseInfo(requestId: "req-acc");
        var accumulator = new ChatCompletionAccumulator();

        accumulator.Append(ChatCompletionUpdate(reasoningDelta: "Think", id: "c1", model: "kimi-k2.6", response: response));
        accumulator.Append(ChatCompletionUpdate(reasoningDelta: "ing.", id: "c1", model: "kimi-k2.6", response: response));
        accumulator.Append(ChatCompletionUpdate(contentDelta: "O", id: "c1", model: "kimi-k2.6", response: response));
        accumulator.Append(ChatCompletionUpdate(contentDelta: "K", finishReason: FinishReason.Stop, usage: TokenUsage(10, 5, reasoningTokens: 2), id: "c1", model: "kimi-k2.6", response: response));
        var completion = accumulator.ToCompletion();

        Assert.Equal("OK", completion.Text);
        Assert.Equal("Thinking.", completion.Reasoning);
        Assert.Equal(FinishReason.Stop, completion.FinishReason);
        Assert.Equal((10, 5, 15, 2), (completion.Usage!.InputTokens, completion.Usage.OutputTokens, completion.Usage.TotalTokens, completion.Usage.ReasoningTokens));
        Assert.Equal("c1", completion.Id);
        Assert.Equal("kimi-k2.6", completion.Model);
        Assert.Equal("req-acc", completion.RequestId);
        Assert.False(completion.IsIncomplete);
        Assert.True(accumulator.HasFinishReason);
        Assert.True(accumulator.HasContent);
    }

    [Fact]
    public void A_partial_completion_is_flagged_and_keeps_what_arrived()
    {
        var accumulator = new ChatCompletionAccumulator();
        accumulator.Append(ChatCompletionUpdate(reasoningDelta: "Plan"));
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(0, "get_weather_0", "get_weather", "{\"city\":")]));

        var partial = accumulator.ToPartialCompletion();

        Assert.True(partial.IsIncomplete);
        Assert.Equal("Plan", partial.Reasoning);
        Assert.Equal(string.Empty, partial.Text);
        Assert.Null(partial.FinishReason);
        var call = Assert.Single(partial.ToolCalls);
        Assert.Equal("{\"city\":", call.Arguments);
        Assert.NotNull(call.ArgumentsError);
        Assert.False(accumulator.HasFinishReason);
    }

    [Fact]
    public void An_empty_accumulator_builds_an_empty_completion()
    {
        var accumulator = new ChatCompletionAccumulator();

        var completion = accumulator.ToCompletion();

        Assert.False(accumulator.HasContent);
        Assert.False(accumulator.HasFinishReason);
        Assert.Equal(string.Empty, completion.Text);
        Assert.Null(completion.Reasoning);
        Assert.Null(completion.ReasoningOrigin);
        Assert.Empty(completion.ToolCalls);
        Assert.Null(completion.Usage);
        Assert.Null(completion.FinishReason);
        Assert.Null(completion.Id);
    }

    [Fact]
    public void An_empty_reasoning_delta_marks_reasoning_present()
    {
        var accumulator = new ChatCompletionAccumulator();
        accumulator.Append(ChatCompletionUpdate(reasoningDelta: string.Empty));
        accumulator.Append(ChatCompletionUpdate(contentDelta: "Hi", finishReason: FinishReason.Stop));

        Assert.Equal(string.Empty, accumulator.ToCompletion().Reasoning);
        Assert.True(accumulator.HasContent);
    }

    [Fact]
    public void Tool_call_fragments_are_assembled_by_index_and_ordered()
    {
        var accumulator = new ChatCompletionAccumulator();
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(1, "b", "get_time", "{\"zone\":"), ToolCallUpdate(0, "a", "get_weather", "{\"city\":")]));
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(0, argumentsDelta: "\"Paris\"}")]));
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(1, argumentsDelta: "\"UTC\"}")], finishReason: FinishReason.ToolCalls));

        var calls = accumulator.ToCompletion().ToolCalls;

        Assert.Equal(2, calls.Count);
        Assert.Equal(("a", "get_weather", """{"city":"Paris"}"""), (calls[0].Id, calls[0].Name, calls[0].Arguments));
        Assert.Equal(("b", "get_time", """{"zone":"UTC"}"""), (calls[1].Id, calls[1].Name, calls[1].Arguments));
        Assert.All(calls, c => Assert.Null(c.ArgumentsError));
    }

    [Fact]
    public void Tool_call_names_split_across_fragments_are_joined_and_repeats_are_not_doubled()
    {
        var accumulator = new ChatCompletionAccumulator();
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(0, "a", "get_", "")]));
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(0, null, "weather", "{}")]));
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(0, "a", "get_weather", null)]));

        Assert.Equal("get_weather", Assert.Single(accumulator.ToCompletion().ToolCalls).Name);
    }

    [Fact]
    public void A_tool_call_fragment_without_id_or_name_gets_a_placeholder_id_and_name()
    {
        var accumulator = new ChatCompletionAccumulator();
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(3, argumentsDelta: "{}")]));

        var call = Assert.Single(accumulator.ToCompletion().ToolCalls);

        Assert.False(string.IsNullOrEmpty(call.Id));
        Assert.False(string.IsNullOrEmpty(call.Name));
        Assert.Equal("{}", call.Arguments);
    }

    [Fact]
    public void Usage_is_replaced_never_summed()
    {
        var accumulator = new ChatCompletionAccumulator();
        accumulator.Append(ChatCompletionUpdate(contentDelta: "A", usage: TokenUsage(20, 1)));
        accumulator.Append(ChatCompletionUpdate(contentDelta: "B", usage: TokenUsage(20, 2)));
        accumulator.Append(ChatCompletionUpdate(usage: TokenUsage(20, 3)));

        var usage = accumulator.ToCompletion().Usage!;

        Assert.Equal(20, usage.InputTokens);
        Assert.Equal(3, usage.OutputTokens);
    }

    [Fact]
    public void Building_mid_stream_does_not_disturb_later_fragments()
    {
        var accumulator = new ChatCompletionAccumulator();
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(1, "b", "g", "{"), ToolCallUpdate(0, "a", "f", "{")]));
        var snapshot = accumulator.ToPartialCompletion();
        accumulator.Append(ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(1, argumentsDelta: "}"), ToolCallUpdate(0, argumentsDelta: "}")]));

        var calls = accumulator.ToCompletion().ToolCalls;

        Assert.Equal(2, snapshot.ToolCalls.Count);
        Assert.Equal(("a", "{}"), (calls[0].Id, calls[0].Arguments));
        Assert.Equal(("b", "{}"), (calls[1].Id, calls[1].Arguments));
    }

    [Fact]
    public void A_null_update_is_rejected()
    {
        Assert.Throws<ArgumentNullException>(() => new ChatCompletionAccumulator().Append(null!));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_factory_built_stream_replays_updates_and_assembles_the_completion()
    {
        var response = ResponseInfo(requestId: "req-mock");
        var stream = StreamingChatCompletion(
        [
            ChatCompletionUpdate(reasoningDelta: "Hmm", response: response),
            ChatCompletionUpdate(toolCallUpdates: [ToolCallUpdate(0, "functions.add:0", "add", "{\"a\":1,\"b\":2}")], response: response),
            ChatCompletionUpdate(finishReason: FinishReason.ToolCalls, usage: TokenUsage(3, 4), response: response),
        ]);
        var deltas = new List<ChatCompletionUpdate>();

        await foreach (var update in stream.WithCancellation(TestContext.Current.CancellationToken))
        {
            deltas.Add(update);
        }

        Assert.Equal(3, deltas.Count);
        var completion = stream.Completion!;
        Assert.Equal("Hmm", completion.Reasoning);
        Assert.Equal("functions.add:0", Assert.Single(completion.ToolCalls).Id);
        Assert.Equal(FinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal(7, completion.Usage!.TotalTokens);
        Assert.Equal("req-mock", stream.Response!.RequestId);
        Assert.Equal("req-mock", completion.RequestId);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_factory_built_stream_can_be_enumerated_once()
    {
        var stream = StreamingChatCompletion([ChatCompletionUpdate(contentDelta: "x", finishReason: FinishReason.Stop)]);
        await foreach (var update in stream.WithCancellation(TestContext.Current.CancellationToken))
        {
        }

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var update in stream.WithCancellation(TestContext.Current.CancellationToken))
            {
            }
        });
    }
}
