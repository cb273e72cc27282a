using System.ClientModel;
using System.Diagnostics;
using System.Text.Json;
using Kimi.Client.Testing;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Kimi.Client.Tests.AI;

/// <summary>
/// A multi-step tool loop under <c>UseFunctionInvocation().UseOpenTelemetry().UseLogging()</c> against the Moonshot
/// emulator on loopback Kestrel, thinking on: Moonshot answers 400 to a tool-call turn sent back without its reasoning.
/// </summary>
public class ToolLoopTests
{
    private const string WeatherReasoning = "The user wants weather and time in Paris. First get_weather.";
    private const string TimeReasoning = "Sunny. Now get_time for Paris.";
    private const string AnswerReasoning = "Both known: answer briefly.";
    private const string Answer = "Sunny at noon in Paris.";

    private static readonly ChatMessage[] Question = [new(ChatRole.User, "Weather and time in Paris?")];

    private static void EnqueueThreeSteps(KimiEmulator emulator)
    {
        emulator.Enqueue(EmulatorReply.FromToolCalls(WeatherReasoning, new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromToolCalls(TimeReasoning, new EmulatorToolCall("get_time", """{"city":"Paris"}""")));
        emulator.Enqueue(EmulatorReply.FromText(Answer, AnswerReasoning));
    }

    private static ChatOptions ToolOptions(ReasoningOutput? output = null) => new()
    {
        Tools =
        [
            AIFunctionFactory.Create((string city) => city == "Paris" ? "Sunny" : "Unknown", "get_weather", "Current weather in a city."),
            AIFunctionFactory.Create((string city) => "12:00", "get_time", "Local time in a city."),
        ],
        Reasoning = output is null ? null : new ReasoningOptions { Output = output },
    };

    private static async Task<ChatResponse> RunAsync(IChatClient chat, bool streaming, ChatOptions options, CancellationToken ct)
    {
        return streaming
            ? await chat.GetStreamingResponseAsync(Question, options, ct).ToChatResponseAsync(ct)
            : await chat.GetResponseAsync(Question, options, ct);
    }

    /// <summary>Every request after the first carries each earlier tool-call turn's reasoning, byte for byte, with verbatim ids.</summary>
    private static void AssertReasoningEchoedAtEveryStep(ChatClientHarness harness)
    {
        Assert.Equal(3, harness.Emulator.Requests.Count);
        Assert.All(harness.Emulator.Requests, r => Assert.Equal("/v1/chat/completions", r.Path));

        var second = harness.Messages(1);
        Assert.Equal(3, second.GetArrayLength());
        AssertToolTurn(second[1], WeatherReasoning, "get_weather_0", "get_weather");
        Assert.Equal("get_weather_0", second[2].GetProperty("tool_call_id").GetString());

        var third = harness.Messages(2);
        Assert.Equal(5, third.GetArrayLength());
        AssertToolTurn(third[1], WeatherReasoning, "get_weather_0", "get_weather");
        AssertToolTurn(third[3], TimeReasoning, "get_time_1", "get_time");
        Assert.Equal("get_time_1", third[4].GetProperty("tool_call_id").GetString());
        Assert.Equal("\"12:00\"", third[4].GetProperty("content").GetString());
        Assert.DoesNotContain(harness.Logs.Collector.GetSnapshot(), r => r.Message.Contains("placeholder", StringComparison.OrdinalIgnoreCase));
    }

    private static void AssertToolTurn(JsonElement message, string reasoning, string id, string name)
    {
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(reasoning, message.GetProperty("reasoning_content").GetString());
        var call = Assert.Single(message.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal(id, call.GetProperty("id").GetString());
        Assert.Equal(name, call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"city":"Paris"}""", call.GetProperty("function").GetProperty("arguments").GetString());
    }

    [Theory(Timeout = 15_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_loop_with_thinking_on_Moonshot_sends_each_reasoning_back_at_every_step(bool streaming)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync(loopback: true);
        EnqueueThreeSteps(harness.Emulator);
        using var chat = harness.Pipeline();

        var response = await RunAsync(chat, streaming, ToolOptions(), ct);

        AssertReasoningEchoedAtEveryStep(harness);
        Assert.Equal(Answer, response.Text);
        var reasoning = response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text).ToArray();
        Assert.Equal([WeatherReasoning, TimeReasoning, AnswerReasoning], reasoning);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage?.TotalTokenCount > 0);
    }

    [Theory(Timeout = 15_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task With_reasoning_output_none_the_caller_sees_no_reasoning_but_the_loop_still_echoes_it(bool streaming)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync(loopback: true);
        EnqueueThreeSteps(harness.Emulator);
        using var chat = harness.Pipeline();

        var response = await RunAsync(chat, streaming, ToolOptions(ReasoningOutput.None), ct);

        AssertReasoningEchoedAtEveryStep(harness);
        Assert.Equal(Answer, response.Text);
        var reasoning = response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().ToArray();
        Assert.All(reasoning, r => Assert.Equal(string.Empty, r.Text));
        Assert.Equal([WeatherReasoning, TimeReasoning, AnswerReasoning], reasoning.Select(r => r.ProtectedData));
    }

    [Fact(Timeout = 15_000)]
    public async Task The_pipeline_records_a_span_naming_the_provider_and_model()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync(loopback: true);
        EnqueueThreeSteps(harness.Emulator);
        // Other tests record chat spans on the same source at the same time: keep only this test's trace.
        using var root = new Activity(nameof(The_pipeline_records_a_span_naming_the_provider_and_model)).Start();
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Kimi.Client.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        using var chat = harness.Pipeline();

        await RunAsync(chat, streaming: false, ToolOptions(), ct);

        var chatSpans = spans.Where(s => s.TraceId == root.TraceId && s.GetTagItem("gen_ai.operation.name") as string == "chat").ToArray();
        Assert.Equal(3, chatSpans.Length);
        Assert.All(chatSpans, s => Assert.Equal("moonshot", s.GetTagItem("gen_ai.provider.name") ?? s.GetTagItem("gen_ai.system")));
        Assert.All(chatSpans, s => Assert.Equal("kimi-k2.6", s.GetTagItem("gen_ai.request.model")));
    }

    /// <summary>The contrast: Microsoft.Extensions.AI.OpenAI drops the reasoning (dotnet/extensions#7525), so Moonshot answers 400.</summary>
    [Fact(Timeout = 15_000)]
    public async Task The_same_loop_through_the_OpenAI_adapter_fails_with_Moonshots_400()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync(loopback: true);
        EnqueueThreeSteps(harness.Emulator);
        var openAi = new OpenAI.Chat.ChatClient("kimi-k2.6", new ApiKeyCredential("sk-test"), new OpenAIClientOptions { Endpoint = harness.Emulator.BaseAddress });
        using var chat = new ChatClientBuilder(openAi.AsIChatClient()).UseFunctionInvocation().Build();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => RunAsync(chat, streaming: false, ToolOptions(), ct));

        Assert.Equal(400, error.Status);
        Assert.Contains("reasoning_content is missing", error.Message, StringComparison.Ordinal);
        Assert.False(harness.Messages(1)[1].TryGetProperty("reasoning_content", out _));
    }
}
