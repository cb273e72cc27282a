using System.Text.Json;
using Kimi.Client.AI;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.AI;

/// <summary>ChatCompletion and streamed updates → ChatResponse: contents, finish reasons, usage, ids.</summary>
public class ChatResponseMappingTests
{
    public static TheoryData<string, string?> FinishReasons => new()
    {
        { "stop", "stop" },
        { "length", "length" },
        { "tool_calls", "tool_calls" },
        { "content_filter", "content_filter" },
        { "unexpected_state", "unexpected_state" },
        { "abort", "abort" },
        { "", null },
    };

    [Theory]
    [MemberData(nameof(FinishReasons))]
    public void Finish_reasons_map_to_MEAI_values_and_unknown_ones_keep_their_raw_text(string raw, string? expected)
    {
        var completion = KimiModelFactory.ChatCompletion("Hi", finishReason: new FinishReason(raw));

        var response = ChatResponseMapper.ToChatResponse(completion, hideReasoning: false);

        Assert.Equal(expected, response.FinishReason?.Value);
        Assert.Same(completion, response.RawRepresentation);
    }

    [Fact]
    public void Well_known_finish_reasons_are_MEAIs_own_instances()
    {
        Assert.Equal(ChatFinishReason.Stop, ChatResponseMapper.ToFinishReason(FinishReason.Stop));
        Assert.Equal(ChatFinishReason.Length, ChatResponseMapper.ToFinishReason(FinishReason.Length));
        Assert.Equal(ChatFinishReason.ToolCalls, ChatResponseMapper.ToFinishReason(FinishReason.ToolCalls));
        Assert.Equal(ChatFinishReason.ContentFilter, ChatResponseMapper.ToFinishReason(FinishReason.ContentFilter));
        Assert.Null(ChatResponseMapper.ToFinishReason(null));
    }

    [Fact]
    public void Usage_carries_cached_and_reasoning_tokens()
    {
        var usage = ChatResponseMapper.ToUsage(KimiModelFactory.TokenUsage(inputTokens: 100, outputTokens: 40, cachedInputTokens: 80, reasoningTokens: 30))!;

        Assert.Equal(100, usage.InputTokenCount);
        Assert.Equal(40, usage.OutputTokenCount);
        Assert.Equal(140, usage.TotalTokenCount);
        Assert.Equal(80, usage.CachedInputTokenCount);
        Assert.Equal(30, usage.ReasoningTokenCount);
        Assert.Null(ChatResponseMapper.ToUsage(null));
    }

    [Fact]
    public void A_completion_becomes_one_assistant_message_with_reasoning_text_and_calls_in_order()
    {
        var origin = new ReasoningOrigin("moonshot", "kimi-k2.6");
        var completion = KimiModelFactory.ChatCompletion(
            "Let me check.", reasoning: "Need weather.", toolCalls: [new ToolCall("get_weather_0", "get_weather", """{"city":"Paris","days":2}""")],
            finishReason: FinishReason.ToolCalls, id: "chatcmpl-1", model: "kimi-k2.6", reasoningOrigin: origin,
            response: KimiModelFactory.ResponseInfo(requestId: "req-9"));

        var response = ChatResponseMapper.ToChatResponse(completion, hideReasoning: false);

        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal(("chatcmpl-1", "chatcmpl-1", "kimi-k2.6"), (response.ResponseId, message.MessageId, response.ModelId));
        Assert.Equal("req-9", response.AdditionalProperties![KimiPropertyNames.RequestId]);
        Assert.Collection(message.Contents,
            c =>
            {
                var reasoning = Assert.IsType<TextReasoningContent>(c);
                Assert.Equal("Need weather.", reasoning.Text);
                Assert.Equal("moonshot", reasoning.AdditionalProperties![KimiPropertyNames.ReasoningDialect]);
                Assert.Equal("kimi-k2.6", reasoning.AdditionalProperties![KimiPropertyNames.ReasoningModel]);
            },
            c => Assert.Equal("Let me check.", Assert.IsType<TextContent>(c).Text),
            c =>
            {
                var call = Assert.IsType<FunctionCallContent>(c);
                Assert.Equal(("get_weather_0", "get_weather"), (call.CallId, call.Name));
                Assert.Equal("Paris", ((JsonElement)call.Arguments!["city"]!).GetString());
                Assert.Equal(2, ((JsonElement)call.Arguments!["days"]!).GetInt32());
                Assert.Null(call.Exception);
                Assert.IsType<ToolCall>(call.RawRepresentation);
            });
        Assert.Equal("Let me check.", response.Text);
    }

    [Fact]
    public void Empty_reasoning_is_an_empty_reasoning_content_not_none()
    {
        var response = ChatResponseMapper.ToChatResponse(KimiModelFactory.ChatCompletion("", reasoning: "", finishReason: FinishReason.Length), false);

        Assert.Equal(string.Empty, Assert.IsType<TextReasoningContent>(Assert.Single(response.Messages[0].Contents)).Text);
    }

    [Theory]
    [InlineData("{\"city\":", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    public void Unreadable_arguments_set_the_exception_so_function_invocation_reports_it(string arguments, string problem)
    {
        var call = new ToolCall("c1", "get_weather", arguments, arguments.StartsWith('[') ? null : "The arguments are not valid JSON: cut short");

        var content = ChatResponseMapper.ToFunctionCall(call);

        Assert.Null(content.Arguments);
        Assert.Contains(problem, content.Exception!.Message, StringComparison.Ordinal);
        Assert.Contains(arguments, content.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_call_without_arguments_has_an_empty_argument_dictionary()
    {
        var content = ChatResponseMapper.ToFunctionCall(new ToolCall("c1", "get_time", ""));

        Assert.Empty(content.Arguments!);
        Assert.Null(content.Exception);
    }

    [Fact(Timeout = 15_000)]
    public async Task Function_invocation_reports_broken_arguments_to_the_model_and_the_loop_goes_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Call it.", new EmulatorToolCall("get_weather", "{\"city\":")));
        harness.Emulator.Enqueue(EmulatorReply.FromText("Sorry, I could not check.", "It failed."));
        var invoked = false;
        using var chat = harness.Pipeline();

        var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather?")],
            new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => invoked = true, "get_weather")] }, ct);

        Assert.False(invoked);
        Assert.Equal("Sorry, I could not check.", response.Text);
        var toolMessage = harness.Messages(1)[2];
        Assert.Equal("tool", toolMessage.GetProperty("role").GetString());
        Assert.Contains("Error", toolMessage.GetProperty("content").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("{\"city\":", harness.Messages(1)[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact(Timeout = 15_000)]
    public async Task Streamed_updates_coalesce_into_the_same_response_as_the_non_streamed_call()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        var reply = EmulatorReply.FromToolCalls("Need the weather in Paris.", new EmulatorToolCall("get_weather", """{"city":"Paris"}"""));
        reply.Text = "Checking.";
        reply.PromptTokens = 100;
        reply.CompletionTokens = 40;
        reply.ReasoningTokens = 30;
        reply.CachedTokens = 80;
        harness.Emulator.Enqueue(reply);
        harness.Emulator.Enqueue(reply);
        ChatMessage[] question = [new(ChatRole.User, "Weather in Paris?")];

        var whole = await harness.ChatClient.GetResponseAsync(question, cancellationToken: ct);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in harness.ChatClient.GetStreamingResponseAsync(question, cancellationToken: ct))
        {
            updates.Add(update);
        }

        var streamed = updates.ToChatResponse();

        Assert.True(updates.Count > 2);
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.Single(updates.Select(u => u.MessageId).Distinct());
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
        Assert.IsType<ChatCompletion>(updates[^1].RawRepresentation);
        foreach (var response in new[] { whole, streamed })
        {
            var message = Assert.Single(response.Messages);
            var reasoning = Assert.Single(message.Contents.OfType<TextReasoningContent>());
            Assert.Equal("Need the weather in Paris.", reasoning.Text);
            Assert.Equal("moonshot", reasoning.AdditionalProperties![KimiPropertyNames.ReasoningDialect]);
            Assert.Equal("Checking.", response.Text);
            var call = Assert.Single(message.Contents.OfType<FunctionCallContent>());
            Assert.Equal(("get_weather_0", "Paris"), (call.CallId, ((JsonElement)call.Arguments!["city"]!).GetString()));
            Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
            Assert.Equal((100L, 40L, 140L, 80L, 30L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount,
                response.Usage.CachedInputTokenCount, response.Usage.ReasoningTokenCount));
            Assert.Equal("kimi-k2.6", response.ModelId);
            Assert.NotNull(response.ResponseId);
        }
    }

    [Fact(Timeout = 15_000)]
    public async Task A_streamed_empty_reasoning_is_kept_as_an_empty_reasoning_content()
    {
        var ct = TestContext.Current.CancellationToken;
        var stream = KimiModelFactory.StreamingChatCompletion(
        [
            KimiModelFactory.ChatCompletionUpdate(reasoningDelta: "", id: "a"),
            KimiModelFactory.ChatCompletionUpdate(reasoningDelta: "", id: "a"),
            KimiModelFactory.ChatCompletionUpdate(contentDelta: "OK", finishReason: FinishReason.Stop, id: "a"),
        ]);

        var response = await ChatResponseMapper.ToUpdatesAsync(stream, hideReasoning: false, ct).ToChatResponseAsync(ct);

        Assert.Equal(string.Empty, Assert.Single(response.Messages[0].Contents.OfType<TextReasoningContent>()).Text);
        Assert.Equal("OK", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }
}
