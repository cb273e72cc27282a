using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Chat;

/// <summary>Conformance 48e and 48f: Moonshot's partial mode (a prefilled final assistant message), exact bodies and errors.</summary>
public class PrefillTests
{
    private const string Continuation = "\"name\": \"SmartHome Mini\", \"price\": \"998 yuan\"}";

    private static string Answer(string content, string? reasoning = null) => RecordingServer.Completion(KimiProvider.Moonshot, content, reasoning);

    private static KimiMessage[] Extraction => [KimiMessage.System("Extract name and price as a JSON object."), KimiMessage.User("The DaMi SmartHome Mini costs 998 yuan.")];

    [Fact(Timeout = 10_000)]
    public async Task The_prefill_goes_last_with_partial_true_and_thinking_off_and_the_answer_is_only_the_continuation()
    {
        using var server = RecordingServer.Start(Answer(Continuation));
        using var client = server.Client(KimiProvider.Moonshot);

        var completion = await client.CompleteAsync(Extraction, new ChatCompletionOptions { Prefill = "{", MaxOutputTokens = 256 }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """{"model":"kimi-k2.6","messages":[{"role":"system","content":"Extract name and price as a JSON object."},{"role":"user","content":"The DaMi SmartHome Mini costs 998 yuan."},{"role":"assistant","content":"{","partial":true}],"thinking":{"type":"disabled"},"max_completion_tokens":256}""",
            server.Body);
        Assert.Equal(Continuation, completion.Text);
        Assert.Equal("{", completion.PrefillText);
        Assert.Equal("{\"name\": \"SmartHome Mini\", \"price\": \"998 yuan\"}", completion.FullText);
        Assert.Equal(completion.FullText, completion.ToMessage().Text); // the next turn carries the whole answer
    }

    [Fact(Timeout = 10_000)]
    public async Task A_streamed_prefill_answer_carries_the_prefill_too()
    {
        using var server = RecordingServer.StartStreaming(
            """
            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","content":"\"a\": 1}"},"finish_reason":null}]}
            data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}
            data: [DONE]
            """);
        using var client = server.Client(KimiProvider.Moonshot);

        var stream = client.StreamAsync(Extraction, new ChatCompletionOptions { Prefill = "{" }, TestContext.Current.CancellationToken);
        await foreach (var _ in stream)
        {
        }

        Assert.Equal("{", stream.Completion!.PrefillText);
        Assert.Equal("{\"a\": 1}", stream.Completion.FullText);
        Assert.Contains("\"partial\":true", server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_named_prefill_speaks_as_that_character()
    {
        using var server = RecordingServer.Start(Answer("I am Kelsier."));
        using var client = server.Client(KimiProvider.Moonshot);

        await client.CompleteAsync([KimiMessage.User("Who are you?"), KimiMessage.Prefill("Well, ", name: "Kelsier")], cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """{"model":"kimi-k2.6","messages":[{"role":"user","content":"Who are you?"},{"role":"assistant","content":"Well, ","name":"Kelsier","partial":true}],"thinking":{"type":"disabled"},"max_completion_tokens":16000}""",
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Prefill_with_a_json_response_format_is_refused_before_sending()
    {
        using var server = RecordingServer.Start(Answer(Continuation));
        using var client = server.Client(KimiProvider.Moonshot);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync(Extraction,
            new ChatCompletionOptions { Prefill = "{", ResponseFormat = ResponseFormat.JsonObject }, TestContext.Current.CancellationToken));

        Assert.Contains("ResponseFormat", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_partial_message_that_is_not_last_or_not_assistant_is_refused()
    {
        using var server = RecordingServer.Start(Answer("ok"));
        using var client = server.Client(KimiProvider.Moonshot);

        var notLast = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync(
            [KimiMessage.User("Hi"), KimiMessage.Prefill("{"), KimiMessage.User("More")], cancellationToken: TestContext.Current.CancellationToken));
        var notAssistant = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync(
            [new KimiMessage(MessageRole.User, "Hi") { IsPartial = true }], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("not the last one", notLast.Message);
        Assert.Contains("only an assistant message", notAssistant.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task Thinking_asked_for_is_sent_with_a_warning_and_reasoning_without_content_is_returned_as_is()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(Answer(content: "", reasoning: "Thinking about the JSON."));
        using var client = server.Client(KimiProvider.Moonshot, loggerFactory: loggerFactory);

        var completion = await client.CompleteAsync(Extraction, new ChatCompletionOptions { Prefill = "{", Thinking = ThinkingMode.Enabled }, TestContext.Current.CancellationToken);

        Assert.Contains("\"thinking\":{\"type\":\"enabled\"}", server.Body);
        Assert.Single(logs.GetSnapshot(), r => r.Id.Name == "PrefillWithThinkingUnconfirmed" && r.Level == LogLevel.Warning);
        Assert.Equal(string.Empty, completion.Text);
        Assert.Equal("Thinking about the JSON.", completion.Reasoning);
        Assert.Equal("{", completion.FullText);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Vllm")]
    [InlineData("SGLang")]
    [InlineData("DeepInfra")]
    [InlineData("Nvidia")]
    [InlineData("Ollama")]
    public async Task Hosts_without_partial_mode_refuse_a_prefill_before_sending(string name)
    {
        var provider = KimiProvider.FromName(name);
        using var server = RecordingServer.Start(Answer("ok"));
        using var client = server.Client(provider);

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => client.CompleteAsync(Extraction, new ChatCompletionOptions { Prefill = "{" }, TestContext.Current.CancellationToken));

        Assert.Contains($"the {provider.Name} profile", error.Message);
        Assert.Equal(0, server.RequestCount);
    }
}
