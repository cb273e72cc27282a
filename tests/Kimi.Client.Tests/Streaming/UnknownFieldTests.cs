using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>Unknown fields and unexpected value types anywhere in a chunk are skipped, never fatal.</summary>
public class UnknownFieldTests
{
    [Fact(Timeout = 10_000)]
    public async Task Unknown_keys_at_every_level_of_a_chunk_are_ignored()
    {
        var sse = StreamReplay.Lines(
            """data: {"x_top":{"deep":[1,{"a":null}]},"id":"u","system_fingerprint":"fp_1","service_tier":"default","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"x_choice":[true,false],"index":0,"logprobs":{"content":[{"token":"Hi","logprob":-0.1,"bytes":[72,105],"top_logprobs":[]}]},"delta":{"x_delta":{"n":1},"role":"assistant","refusal":null,"audio":null,"function_call":null,"reasoning_content":"R","content":"Hi","tool_calls":[{"x_call":"?","index":0,"id":"c1","type":"function","function":{"x_fn":[],"name":"f","arguments":"{\"a\":1}","strict":true}}]},"matched_stop":null,"stop_reason":null,"finish_reason":null,"usage":null}],"usage":null,"x_after":"tail"}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}],"usage":{"x_usage":1,"prompt_tokens":5,"completion_tokens":3,"total_tokens":8,"prompt_tokens_details":{"x_detail":[],"audio_tokens":0,"cached_tokens":2},"completion_tokens_details":{"accepted_prediction_tokens":0,"audio_tokens":0,"reasoning_tokens":1,"rejected_prediction_tokens":0},"queue_time":0.01,"cost":{"usd":0.0001}}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        var completion = result.Completion;
        Assert.Equal("Hi", completion.Text);
        Assert.Equal("R", completion.Reasoning);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal(("c1", "f", """{"a":1}"""), (call.Id, call.Name, call.Arguments));
        Assert.Equal(FinishReason.ToolCalls, completion.FinishReason);
        Assert.Equal((5, 3, 8, 2, 1), (completion.Usage!.InputTokens, completion.Usage.OutputTokens, completion.Usage.TotalTokens, completion.Usage.CachedInputTokens, completion.Usage.ReasoningTokens));
        Assert.Equal("kimi-k2.6", completion.Model);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("null")]
    [InlineData("0")]
    [InlineData("-1.5e300")]
    [InlineData("\"[DONE]\"")]
    [InlineData("true")]
    [InlineData("[]")]
    [InlineData("[{\"index\":\"x\"},[null]]")]
    [InlineData("{\"choices\":[{\"delta\":{\"content\":\"no\"}}],\"usage\":{\"prompt_tokens\":999}}")]
    public async Task An_unknown_key_added_to_every_object_of_recorded_streams_changes_nothing(string value)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        foreach (var fixture in new[] { "moonshot-streamed-tool-call.sse", "conformance-20-tool-calls-out-of-order.sse", "vllm-thinking-stream.sse" })
        {
            var plain = await StreamReplay.ReplayAsync(StreamReplay.Fixture(fixture), cancellationToken);
            var noisy = await StreamReplay.ReplayAsync(Sse.Frame(AddKeyEverywhere(Fixtures.Text($"Streaming/Fixtures/{fixture}"), value)), cancellationToken);

            Assert.Equal(plain.Updates.Count, noisy.Updates.Count);
            Assert.Equal(Describe(plain.Completion), Describe(noisy.Completion));
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task Known_keys_with_unexpected_value_types_are_skipped()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":42,"model":["kimi"],"created":"yesterday","choices":[{"index":"zero","delta":{"role":7,"content":{"text":"ignored"},"reasoning_content":5,"reasoning":["x"],"tool_calls":"none"},"finish_reason":{"x":1},"usage":"lots"}],"usage":[1,2]}""",
            """data: {"id":"u","choices":{"not":"an array"}}""",
            """data: {"id":"u","choices":[null,"x",{"index":0,"delta":"text","finish_reason":null}]}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"OK"},"finish_reason":"stop"}],"usage":{"prompt_tokens":"5","completion_tokens":null,"total_tokens":1.5e1}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("OK", result.Completion.Text);
        Assert.Null(result.Completion.Reasoning);
        Assert.Empty(result.Completion.ToolCalls);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal("u", result.Completion.Id);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("", "id")]
    [InlineData("", "model")]
    [InlineData("", "provider")]
    [InlineData("", "created")]
    [InlineData("", "object")]
    [InlineData("", "usage")]
    [InlineData("choice", "index")]
    [InlineData("choice", "finish_reason")]
    [InlineData("choice", "native_finish_reason")]
    [InlineData("choice", "usage")]
    [InlineData("delta", "role")]
    [InlineData("delta", "reasoning_content")]
    [InlineData("delta", "reasoning")]
    [InlineData("delta", "reasoning_details")]
    [InlineData("delta", "content")]
    [InlineData("", "choices")]
    [InlineData("choice", "delta")]
    public async Task A_known_key_holding_an_object_or_array_is_passed_over_whole_and_the_fields_after_it_read(string level, string key)
    {
        // The value holds our own field names: nothing inside it may be read as ours, and the reader must come out after it
        // (a key read without skipping its object would end the chunk at the object's end and drop everything after it).
        const string Poison = """{"id":"poison","choices":[{"delta":{"content":"poison"}}],"content":"poison","finish_reason":"length","prompt_tokens":99}""";
        // "choices" as an array and "delta" as an object are their real shapes, so each is tried only in the other one.
        var values = key switch { "choices" => new[] { Poison }, "delta" => new[] { "[" + Poison + "]" }, _ => new[] { Poison, "[" + Poison + "]" } };
        foreach (var value in values)
        {
            var top = level == "" ? $"\"{key}\":{value}," : string.Empty;
            var choice = level == "choice" ? $"\"{key}\":{value}," : string.Empty;
            var delta = level == "delta" ? $"\"{key}\":{value}," : string.Empty;
            var sse = StreamReplay.Lines(
                "data: {" + top + """ "id":"u","model":"kimi-k2.6","choices":[{""" + choice + """ "index":0,"delta":{""" + delta +
                """ "content":"OK"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""",
                "data: [DONE]");

            var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

            Assert.Equal("OK", result.Completion.Text);
            Assert.Equal("u", result.Completion.Id);
            Assert.Equal("kimi-k2.6", result.Completion.Model);
            Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
            Assert.Equal(5, result.Completion.Usage!.InputTokens);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task Content_sent_as_an_array_of_parts_is_joined()
    {
        // Parts that are not objects are passed over whole: the nested array's own text part is not a part of this content.
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":[{"type":"text","text":"Hel"},{"type":"image_url","image_url":{"url":"x"}},[{"type":"text","text":"POISON"}],"x",{"type":"text","text":"lo"}]},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.Nvidia, TestContext.Current.CancellationToken);

        Assert.Equal("Hello", result.Completion.Text);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"index":1,"delta":{"content":"second"},"finish_reason":"length"}""")]
    [InlineData("""[{"delta":{"content":"nested"}},{"finish_reason":"length"}]""")]
    [InlineData("\"text\"")]
    public async Task Only_the_first_choice_is_read_and_later_ones_are_passed_over_whole(string laterChoice)
    {
        // A host that ignores n=1, or sends junk after the first choice: the usage after the list must still be read.
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"first"},"finish_reason":"stop"},""" + laterChoice + """],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("first", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal(6, result.Completion.Usage!.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Id_and_model_are_read_in_any_order()
    {
        // Hosts order keys differently: a chunk whose model comes before its id (both new) must report both.
        var sse = StreamReplay.Lines(
            """data: {"model":"kimi-k2.6","created":1700000000,"id":"chatcmpl-9","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("chatcmpl-9", result.Completion.Id);
        Assert.Equal("kimi-k2.6", result.Completion.Model);
        Assert.Equal("chatcmpl-9", result.Updates[0].Id);
        Assert.Equal("kimi-k2.6", result.Updates[0].Model);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_model_that_changes_mid_stream_is_reported_even_when_the_provider_after_it_does_not()
    {
        // OpenRouter names the upstream on every chunk; a chunk whose model changed but whose provider did not is still new.
        var sse = StreamReplay.Lines(
            """data: {"id":"gen-1","model":"moonshotai/kimi-k2.6","provider":"Moonshot AI","choices":[{"index":0,"delta":{"content":"a"}}]}""",
            """data: {"id":"gen-1","model":"moonshotai/kimi-k2.6-0905","provider":"Moonshot AI","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, KimiProvider.OpenRouter, TestContext.Current.CancellationToken);

        Assert.Equal("ab", result.Completion.Text);
        Assert.Equal("moonshotai/kimi-k2.6", result.Updates[0].Model);
        Assert.Equal("moonshotai/kimi-k2.6-0905", result.Updates[1].Model);
    }

    [Fact(Timeout = 10_000)]
    public async Task Special_tokens_inside_reasoning_are_tolerated_verbatim()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"u","choices":[{"index":0,"delta":{"reasoning_content":"Call it.<|tool_calls_section_begin|>"}}]}""",
            """data: {"id":"u","choices":[{"index":0,"delta":{"content":"\u00e9\ud83d\ude00\n"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, TestContext.Current.CancellationToken);

        Assert.Equal("Call it.<|tool_calls_section_begin|>", result.Completion.Reasoning);
        Assert.Equal("é😀\n", result.Completion.Text);
    }

    private static string AddKeyEverywhere(string fixture, string value)
    {
        var lines = fixture.Replace("\r\n", "\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', lines.Select(line =>
        {
            var json = line["data: ".Length..];
            if (json == "[DONE]")
            {
                return line;
            }

            var node = JsonNode.Parse(json)!;
            AddKey(node, value);
            return "data: " + node.ToJsonString();
        }));
    }

    private static void AddKey(JsonNode node, string value)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToArray())
                {
                    if (child is not null)
                    {
                        AddKey(child, value);
                    }
                }

                obj.Insert(0, "x_first", JsonNode.Parse(value));
                obj.Add("x_last", JsonNode.Parse(value));
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        AddKey(child, value);
                    }
                }

                break;
        }
    }

    private static string Describe(ChatCompletion c) =>
        $"{c.Id}|{c.Model}|{c.Created}|{c.Text}|{c.Reasoning}|{c.FinishReason}|{c.Usage}|{c.IsIncomplete}|" +
        string.Join(";", c.ToolCalls.Select(t => $"{t.Id},{t.Name},{t.Arguments},{t.ArgumentsError}"));
}
