using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Kimi.Client.Tests.Streaming;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Providers;

/// <summary>
/// OpenRouter's reasoning round trip (conformance 34 and 45): read once from <c>reasoning</c>, <c>reasoning_content</c> or
/// <c>reasoning_details</c>; the details merged by fragment, kept byte for byte (unknown item types too) and sent back verbatim
/// with <c>reasoning</c> to OpenRouter only, bound to the model that answered; foreign reasoning dropped with one warning.
/// </summary>
public class OpenRouterReasoningTests
{
    private const string MergedDetails = """[{"type":"reasoning.text","text":"Need the weather.","format":"unknown","index":0}]""";

    private const string ToolCallJson = """{"id":"get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}""";

    private const string ToolMessage = """{"role":"tool","content":"Sunny","tool_call_id":"get_weather:0"}""";

    private static KimiProvider OpenRouter => KimiProvider.OpenRouter;

    private static string Fixture(string name) => Fixtures.Text($"Providers/Fixtures/{name}");

    private static Task<StreamResult> StreamFixtureAsync(CancellationToken cancellationToken) =>
        StreamReplay.ReplayAsync(Sse.Frame(Fixture("openrouter-reasoning-tool-call.sse")), OpenRouter, cancellationToken);

    private static KimiMessage[] History(KimiMessage assistant) =>
        [KimiMessage.User("Weather in Paris?"), assistant, KimiMessage.Tool("get_weather:0", "Sunny")];

    private static async Task<JsonArray> SendAsync(KimiProvider provider, KimiMessage[] history, CancellationToken cancellationToken, ILoggerFactory? logging = null, RecordingServer? reuse = null)
    {
        using var owned = reuse is null ? RecordingServer.Start(RecordingServer.Completion(provider, content: "Sunny.", reasoning: null)) : null;
        var server = reuse ?? owned!;
        using var client = server.Client(provider, loggerFactory: logging);
        await client.CompleteAsync(history, cancellationToken: cancellationToken);
        return JsonNode.Parse(server.LastBody)!["messages"]!.AsArray();
    }

    // 34: the stream of the conformance item
    [Fact(Timeout = 10_000)]
    public async Task Streamed_reasoning_is_read_once_and_the_detail_fragments_are_merged_keeping_format_and_index()
    {
        var result = await StreamFixtureAsync(TestContext.Current.CancellationToken);
        var completion = result.Completion;

        Assert.Equal("Need the weather.", completion.Reasoning);
        Assert.Equal(MergedDetails, completion.ReasoningDetails!.Value.GetRawText());
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal(("get_weather:0", "get_weather", """{"city":"Paris"}"""), (call.Id, call.Name, call.Arguments));
        Assert.Equal(FinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal(["Need the ", "weather."], result.Updates.Where(u => u.ReasoningDelta is not null).Select(u => u.ReasoningDelta));
        Assert.Equal(new ReasoningOrigin("openrouter", "moonshotai/kimi-k2.6-20260420") { Upstream = "Moonshot AI" }, completion.ReasoningOrigin);
    }

    // 34
    [Fact(Timeout = 10_000)]
    public async Task A_message_with_only_reasoning_content_is_read()
    {
        using var server = RecordingServer.Start(
            """{"id":"gen-7","model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI","choices":[{"index":0,"message":{"role":"assistant","content":"OK","reasoning_content":"R"},"finish_reason":"stop"}]}""");
        using var client = server.Client(OpenRouter);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("R", completion.Reasoning);
        Assert.Null(completion.ReasoningDetails);
    }

    // 34
    [Fact(Timeout = 10_000)]
    public async Task Details_only_give_the_summary_as_text_and_keep_encrypted_and_unknown_items_byte_for_byte()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-details-only-response.json"));
        using var client = server.Client(OpenRouter);
        const string details =
            """[{"type":"reasoning.summary","summary":"S","format":"unknown","index":0},{"type":"reasoning.encrypted","data":"xyz","format":"unknown","index":1},{"type":"reasoning.future","x":1}]""";

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await client.CompleteAsync(History(completion.ToMessage()), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("S", completion.Reasoning);
        Assert.Equal(details, completion.ReasoningDetails!.Value.GetRawText());
        Assert.Contains("\"reasoning_details\":" + details, server.LastBody, StringComparison.Ordinal); // sent back as received
    }

    // 34: the assistant turn of the next request, exactly
    [Fact(Timeout = 10_000)]
    public async Task The_next_request_sends_the_turn_with_reasoning_and_the_details_verbatim()
    {
        var completion = (await StreamFixtureAsync(TestContext.Current.CancellationToken)).Completion;

        var messages = await SendAsync(OpenRouter, History(completion.ToMessage()), TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""
            [{"role":"user","content":"Weather in Paris?"},
             {"role":"assistant","content":null,"reasoning":"Need the weather.","reasoning_details":{{MergedDetails}},"tool_calls":[{{ToolCallJson}}]},
             {{ToolMessage}}]
            """,
            messages.ToJsonString());
        Assert.Contains("\"reasoning_details\":" + MergedDetails, messages.ToJsonString(), StringComparison.Ordinal); // key order kept
    }

    // 34 and 45: the same history to the other hosts
    [Fact(Timeout = 10_000)]
    public async Task The_same_history_gives_Moonshot_reasoning_content_and_no_other_host_gets_the_details()
    {
        var assistant = (await StreamFixtureAsync(TestContext.Current.CancellationToken)).Completion.ToMessage();

        var moonshot = await SendAsync(KimiProvider.Moonshot, History(assistant), TestContext.Current.CancellationToken);
        Assert.Equal("Need the weather.", moonshot[1]!["reasoning_content"]!.GetValue<string>()); // relayed from Moonshot AI: Moonshot's own
        Assert.Null(moonshot[1]!["reasoning_details"]);
        Assert.Null(moonshot[1]!["reasoning"]);

        foreach (var provider in new[] { KimiProvider.Vllm, KimiProvider.DeepInfra, KimiProvider.Nvidia, KimiProvider.Ollama })
        {
            var messages = await SendAsync(provider, History(assistant), TestContext.Current.CancellationToken);
            Assert.Null(messages[1]!["reasoning_details"]);
        }
    }

    // 34
    [Fact(Timeout = 10_000)]
    public async Task A_tool_turn_without_stored_reasoning_gets_the_reasoning_content_placeholder_and_one_warning()
    {
        using var logging = RecordingServer.Logging(out var logs);
        var turn = new KimiMessage(MessageRole.Assistant);
        turn.ToolCalls.Add(new ToolCall("get_weather:0", "get_weather", """{"city":"Paris"}"""));

        var messages = await SendAsync(OpenRouter, History(turn), TestContext.Current.CancellationToken, logging);

        JsonAssert.Equal($$"""{"role":"assistant","content":null,"reasoning_content":" ","tool_calls":[{{ToolCallJson}}]}""", messages[1]!.ToJsonString());
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("placeholder", warning.Message);
    }

    // 34: bound to response.model; 45: one warning per run
    [Fact(Timeout = 10_000)]
    public async Task A_turn_answered_by_a_fallback_model_does_not_get_the_Kimi_details_and_is_warned_about_once()
    {
        using var logging = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(RecordingServer.Completion(OpenRouter, content: "Sunny.", reasoning: null));
        var kimi = (await StreamFixtureAsync(TestContext.Current.CancellationToken)).Completion.ToMessage();
        var fallback = ToolTurn("get_weather:1", "K2.5 reasoning", "moonshotai/kimi-k2.5-20260101");
        KimiMessage[] history =
        [
            KimiMessage.User("Weather in Paris?"), kimi, KimiMessage.Tool("get_weather:0", "Sunny"),
            KimiMessage.User("And Rome?"), fallback, KimiMessage.Tool("get_weather:1", "Rainy"),
        ];

        var first = await SendAsync(OpenRouter, history, TestContext.Current.CancellationToken, logging, server);
        var second = await SendAsync(OpenRouter, history, TestContext.Current.CancellationToken, logging, server);

        Assert.Equal(MergedDetails, first[1]!["reasoning_details"]!.ToJsonString());
        Assert.Null(first[4]!["reasoning_details"]);
        Assert.Null(first[4]!["reasoning"]);
        Assert.Equal(" ", first[4]!["reasoning_content"]!.GetValue<string>());
        Assert.DoesNotContain("K2.5 reasoning", server.LastBody);
        JsonAssert.Equal(first.ToJsonString(), second.ToJsonString());
        var dropped = Assert.Single(logs.GetSnapshot(), r => r.Message.Contains("not replayed", StringComparison.Ordinal)); // not again on the second call
        Assert.Contains("moonshotai/kimi-k2.5-20260101", dropped.Message);
    }

    // 45: failover to Moonshot with turns another upstream produced
    [Fact(Timeout = 10_000)]
    public async Task Foreign_reasoning_of_several_turns_is_dropped_with_one_warning_per_run()
    {
        using var logging = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(RecordingServer.Completion(KimiProvider.Moonshot, content: "Done.", reasoning: null));
        var history = new List<KimiMessage> { KimiMessage.User("Plan a trip.") };
        for (var i = 0; i < 3; i++)
        {
            history.Add(ToolTurn($"get_weather:{i}", $"Parasail reasoning {i}", "moonshotai/kimi-k2.6-20260420", upstream: "Parasail"));
            history.Add(KimiMessage.Tool($"get_weather:{i}", "Sunny"));
        }

        var first = await SendAsync(KimiProvider.Moonshot, [.. history], TestContext.Current.CancellationToken, logging, server);
        await SendAsync(KimiProvider.Moonshot, [.. history], TestContext.Current.CancellationToken, logging, server);

        Assert.All([first[1]!, first[3]!, first[5]!], m => Assert.Equal(" ", m["reasoning_content"]!.GetValue<string>()));
        Assert.DoesNotContain("Parasail reasoning", server.LastBody);
        var dropped = Assert.Single(logs.GetSnapshot(), r => r.Message.Contains("not replayed", StringComparison.Ordinal));
        Assert.Contains("Reasoning of 3 assistant message(s) (1, 3, 5)", dropped.Message);
    }

    // 45: details survive a checkpoint-free round trip through ToMessage and a copy; never sent without a details field
    [Fact(Timeout = 10_000)]
    public async Task Caller_written_details_without_an_origin_go_to_OpenRouter_and_nowhere_else()
    {
        var turn = new KimiMessage(MessageRole.Assistant) { Reasoning = "Mine.", ReasoningDetails = JsonDocument.Parse("""[{"type":"reasoning.text","text":"Mine."}]""").RootElement.Clone() };
        turn.ToolCalls.Add(new ToolCall("get_weather:0", "get_weather", """{"city":"Paris"}"""));

        var openRouter = await SendAsync(OpenRouter, History(turn), TestContext.Current.CancellationToken);
        var vllm = await SendAsync(KimiProvider.Vllm, History(turn), TestContext.Current.CancellationToken);

        Assert.Equal("""[{"type":"reasoning.text","text":"Mine."}]""", openRouter[1]!["reasoning_details"]!.ToJsonString());
        Assert.Null(vllm[1]!["reasoning_details"]);
        Assert.Equal("Mine.", vllm[1]!["reasoning"]!.GetValue<string>());
    }

    private static KimiMessage ToolTurn(string id, string reasoning, string model, string upstream = "Moonshot AI")
    {
        var turn = new KimiMessage(MessageRole.Assistant)
        {
            Reasoning = reasoning,
            ReasoningOrigin = new ReasoningOrigin("openrouter", model) { Upstream = upstream },
            ReasoningDetails = JsonDocument.Parse($$"""[{"type":"reasoning.text","text":"{{reasoning}}","format":"unknown","index":0}]""").RootElement.Clone(),
        };
        turn.ToolCalls.Add(new ToolCall(id, "get_weather", """{"city":"Rome"}"""));
        return turn;
    }
}
