using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Streaming;
using static Kimi.Client.KimiModelFactory;

namespace Kimi.Client.Tests.Chat;

/// <summary><see cref="KimiMessage.Assistant(ChatCompletion)"/> keeps what the next turn must send back.</summary>
public class AssistantMessageFromCompletionTests
{
    [Fact]
    public void A_completion_becomes_an_assistant_message_with_reasoning_tool_calls_and_origin()
    {
        var origin = new ReasoningOrigin("moonshot", "kimi-k2.6");
        var call = new ToolCall("get_weather_0", "get_weather", """{"city": "Paris"}""");
        var completion = ChatCompletion(reasoning: "Call get_weather Paris.", toolCalls: [call], reasoningOrigin: origin);

        var message = KimiMessage.Assistant(completion);

        Assert.Equal(MessageRole.Assistant, message.Role);
        Assert.Equal("Call get_weather Paris.", message.Reasoning);
        Assert.Same(origin, message.ReasoningOrigin);
        Assert.Same(call, Assert.Single(message.ToolCalls));
        Assert.Empty(message.Parts); // no empty text part for a tool-call turn (conformance 12)
        Assert.Equal(string.Empty, message.Text);
    }

    [Fact]
    public void Empty_reasoning_stays_empty_not_null()
    {
        var origin = new ReasoningOrigin("moonshot", "kimi-k2.6");
        var message = ChatCompletion(text: "IMAGE_OK", reasoning: string.Empty, reasoningOrigin: origin).ToMessage();

        Assert.Equal(string.Empty, message.Reasoning);
        Assert.Same(origin, message.ReasoningOrigin);
        Assert.Equal("IMAGE_OK", message.Text);
    }

    [Fact]
    public void A_completion_without_reasoning_gives_a_message_without_reasoning()
    {
        var message = KimiMessage.Assistant(ChatCompletion(text: "Hi"));

        Assert.Null(message.Reasoning);
        Assert.Null(message.ReasoningOrigin);
        Assert.Empty(message.ToolCalls);
        Assert.Equal("Hi", message.Text);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_streamed_tool_call_turn_becomes_a_message_with_the_provider_origin()
    {
        var result = await StreamReplay.ReplayAsync(StreamReplay.Fixture("moonshot-streamed-tool-call.sse"), TestContext.Current.CancellationToken);

        var message = KimiMessage.Assistant(result.Completion);

        Assert.Equal(" Call get_weather Paris.", message.Reasoning);
        Assert.Equal(new ReasoningOrigin("moonshot", "kimi-k2.6"), message.ReasoningOrigin);
        var call = Assert.Single(message.ToolCalls);
        Assert.Equal(("get_weather_0", "get_weather", """{"city": "Paris"}"""), (call.Id, call.Name, call.Arguments));
        Assert.Empty(message.Parts);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_streamed_vllm_answer_records_the_configured_model_as_its_origin()
    {
        using var server = StreamReplay.Serve(StreamReplay.Fixture("vllm-thinking-stream.sse"));
        using var client = TestClients.For(KimiProvider.Vllm, server.Url!, configure: o => o.Model = "my-kimi");
        var stream = client.StreamAsync("Which is bigger?", cancellationToken: TestContext.Current.CancellationToken);
        var result = await StreamReplay.CollectAsync(stream, TestContext.Current.CancellationToken);

        var message = result.Completion.ToMessage();

        Assert.Equal("Compare 9.11", message.Reasoning);
        Assert.Equal(new ReasoningOrigin("vllm", "my-kimi"), message.ReasoningOrigin);
        Assert.Equal("9.9", message.Text);
    }
}
