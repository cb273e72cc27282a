using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

public sealed class MoonshotDialectTests
{
    private const string ToolHistory = """
        {"model":"kimi-k2.6","messages":[
          {"role":"system","content":"You are Kimi."},
          {"role":"user","content":"Weather in Paris?"},
          {"role":"assistant","content":"Let me check.","reasoning_content":"Plain turn."},
          {"role":"assistant","content":null,REASONING"tool_calls":[{"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
          {"role":"tool","tool_call_id":"get_weather_0","content":"{\"weather\":\"Sunny\"}"}]THINKING}
        """;

    private static string History(string reasoning = "", string thinking = "") =>
        ToolHistory.Replace("REASONING", reasoning, StringComparison.Ordinal).Replace("THINKING", thinking, StringComparison.Ordinal);

    private static string Error(string message, string type = "invalid_request_error") =>
        $$$"""{"error":{"message":"{{{message}}}","type":"{{{type}}}"}}""";

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task Moonshot_rejects_tool_call_turn_without_reasoning_with_the_message_index(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, transport);

        (int status, string body) = await harness.PostAsync(History());

        Assert.Equal(400, status);
        Assert.Equal(Error("thinking is enabled but reasoning_content is missing in assistant tool call message at index 3"), body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"reasoning_content\":\"\",", 400)]
    [InlineData("\"reasoning_content\":null,", 400)]
    [InlineData("\"reasoning_content\":\" \",", 200)]
    [InlineData("\"reasoning_content\":\"I need the weather.\",", 200)]
    public async Task Moonshot_treats_empty_reasoning_as_missing_but_accepts_a_placeholder_space(string reasoning, int expected)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, _) = await harness.PostAsync(History(reasoning));

        Assert.Equal(expected, status);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_accepts_tool_call_turn_without_reasoning_when_thinking_is_disabled()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        JsonElement completion = await harness.CompleteAsync(History(thinking: ""","thinking":{"type":"disabled"}"""));

        Assert.False(completion.At("choices.0.message").Has("reasoning_content"));
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_ignores_chat_template_kwargs_so_thinking_stays_on()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync(History(thinking: ""","chat_template_kwargs":{"thinking":false}"""));

        Assert.Equal(400, status);
        Assert.Contains("reasoning_content is missing", body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"type":"disabled"},"temperature":0.5""", "invalid temperature: only 0.6 is allowed for this model")]
    [InlineData("""{"type":"enabled"},"temperature":0.6""", "invalid temperature: only 1 is allowed for this model")]
    [InlineData("""{"type":"enabled"},"top_p":1""", "invalid top_p: only 0.95 is allowed for this model")]
    [InlineData("""{"type":"enabled"},"n":2""", "invalid n: only 1 is allowed for this model")]
    [InlineData("""{"type":"enabled"},"presence_penalty":0.5""", "invalid presence_penalty: only 0 is allowed for this model")]
    [InlineData("""{"type":"enabled"},"frequency_penalty":-1""", "invalid frequency_penalty: only 0 is allowed for this model")]
    public async Task Moonshot_rejects_sampling_parameters_that_differ_from_the_pinned_values(string thinkingAndSampling, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync(
            $$"""{"model":"kimi-k2.6","thinking":{{thinkingAndSampling}},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(400, status);
        Assert.Equal(Error(message), body);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_accepts_the_pinned_sampling_values_and_deprecated_max_tokens()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int thinking, _) = await harness.PostAsync(
            """{"model":"kimi-k2.6","temperature":1.0,"top_p":0.95,"n":1,"presence_penalty":0,"frequency_penalty":0,"max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}""");
        (int instant, _) = await harness.PostAsync(
            """{"model":"kimi-k2.6","thinking":{"type":"disabled"},"temperature":0.6,"max_completion_tokens":100,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(200, thinking);
        Assert.Equal(200, instant);
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"required\"", "tool_choice 'required' is incompatible with thinking enabled")]
    [InlineData("""{"type":"function","function":{"name":"get_weather"}}""", "tool_choice 'specified' is incompatible with thinking enabled")]
    public async Task Moonshot_rejects_forced_tool_choice_while_thinking(string toolChoice, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        string request = """{"model":"kimi-k2.6","tool_choice":""" + toolChoice
            + ""","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}]}""";

        (int status, string body) = await harness.PostAsync(request);
        (int instant, _) = await harness.PostAsync(request.Replace("\"tool_choice\"", "\"thinking\":{\"type\":\"disabled\"},\"tool_choice\"", StringComparison.Ordinal));

        Assert.Equal(400, status);
        Assert.Equal(Error(message), body);
        Assert.Equal(200, instant);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}""", "Invalid request: unsupported image url: https://example.com/cat.png")]
    [InlineData("""{"type":"image_url","image_url":"http://example.com/cat.png"}""", "Invalid request: unsupported image url: http://example.com/cat.png")]
    [InlineData("""{"type":"video_url","video_url":{"url":"https://example.com/cat.mp4"}}""", "Invalid request: unsupported video url: https://example.com/cat.mp4")]
    public async Task Moonshot_rejects_http_media_urls(string part, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync(
            $$"""{"model":"kimi-k2.6","messages":[{"role":"user","content":[{"type":"text","text":"Describe."},{{part}}]}]}""");

        Assert.Equal(400, status);
        Assert.Equal(Error(message), body);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_accepts_data_urls_and_file_references()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, _) = await harness.PostAsync(
            """{"model":"kimi-k2.6","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},{"type":"video_url","video_url":{"url":"ms://file-1"}}]}]}""");

        Assert.Equal(200, status);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_rejects_an_assistant_message_with_an_empty_text_part()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync(
            """{"model":"kimi-k2.6","thinking":{"type":"disabled"},"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"text","text":""}]},{"role":"user","content":"Again"}]}""");

        Assert.Equal(400, status);
        Assert.Equal(Error("text content is empty"), body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"type":"disabled","keep":"all"}""", "invalid thinking.keep: keep is only allowed when thinking is enabled")]
    [InlineData("""{"type":"enabled","keep":"some"}""", "invalid thinking.keep: only 'all' is allowed")]
    [InlineData("""{"type":"auto"}""", "invalid thinking.type: only 'enabled' or 'disabled' is allowed")]
    public async Task Moonshot_rejects_a_malformed_thinking_switch(string thinking, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync($$"""{"model":"kimi-k2.6","thinking":{{thinking}},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(400, status);
        Assert.Equal(Error(message), body);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_accepts_preserved_thinking()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        JsonElement completion = await harness.CompleteAsync(
            """{"model":"kimi-k2.6","thinking":{"type":"enabled","keep":"all"},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.True(completion.At("choices.0.message").Has("reasoning_content"));
    }

    [Theory(Timeout = 10000)]
    [InlineData(null)]
    [InlineData("Bearer ")]
    [InlineData("Basic abc")]
    public async Task Moonshot_requires_a_bearer_token(string? authorization)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        using var request = new HttpRequestMessage(HttpMethod.Post, harness.ChatUri) { Content = new StringContent("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hi"}]}""") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using HttpResponseMessage response = await harness.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal(Error("Invalid Authentication", "invalid_authentication_error"), await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_accepts_only_the_configured_key()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { ApiKey = "sk-right" });
        const string request = """{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hi"}]}""";

        (int wrong, _) = await harness.PostAsync(request, apiKey: "sk-wrong");
        (int right, _) = await harness.PostAsync(request, apiKey: "sk-right");

        Assert.Equal(401, wrong);
        Assert.Equal(200, right);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_rejects_an_unknown_model_with_not_found()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync("""{"model":"kimi-k2.6-thinking","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(404, status);
        Assert.Equal(Error("Not found the model kimi-k2.6-thinking or Permission denied", "resource_not_found_error"), body);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_answers_a_wrong_path_with_not_found_in_its_error_shape()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync("{}", uri: new Uri("http://kimi-emulator.local/v1/chat/completion"));

        Assert.Equal(404, status);
        Assert.Equal(Error("Not Found: POST /v1/chat/completion", "resource_not_found_error"), body);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_rejects_input_plus_output_beyond_the_context_window()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { ContextWindow = 100 });

        (int fits, _) = await harness.PostAsync("""{"model":"kimi-k2.6","max_completion_tokens":50,"messages":[{"role":"user","content":"Hi"}]}""");
        (int status, string body) = await harness.PostAsync("""{"model":"kimi-k2.6","max_completion_tokens":95,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(200, fits);
        Assert.Equal(400, status);
        Assert.Equal(Error("Your request exceeded model token limit : 100"), body);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_reports_usage_with_both_cached_fields_and_reasoning_tokens()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "IMAGE_OK", PromptTokens = 18, CompletionTokens = 5, ReasoningTokens = 1, CachedTokens = 6 });

        (_, string body) = await harness.PostAsync("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(
            """{"id":"chatcmpl-emu-0001","object":"chat.completion","created":1767225601,"model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":"IMAGE_OK","reasoning_content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":18,"completion_tokens":5,"total_tokens":23,"cached_tokens":6,"completion_tokens_details":{"reasoning_tokens":1},"prompt_tokens_details":{"cached_tokens":6}}}""",
            body);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_computes_default_usage_deterministically()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromText("12345678", "abcd"));

        // messages JSON [{"role":"user","content":"Hi"}] is 32 bytes = 8 tokens; text 8 bytes = 2; reasoning 4 bytes = 1.
        JsonElement usage = (await harness.CompleteAsync("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hi"}]}""")).At("usage");

        Assert.Equal(8, usage.Int("prompt_tokens"));
        Assert.Equal(3, usage.Int("completion_tokens"));
        Assert.Equal(11, usage.Int("total_tokens"));
        Assert.Equal(1, usage.Int("completion_tokens_details.reasoning_tokens"));
        Assert.Equal(0, usage.Int("cached_tokens"));
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_numbers_tool_call_ids_across_the_conversation()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Need time too.", new EmulatorToolCall("get_time", """{"zone":"CET"}"""), new EmulatorToolCall("get_date", "{}", "custom-id")));

        JsonElement message = (await harness.CompleteAsync(History("\"reasoning_content\":\"Need weather.\","))).At("choices.0.message");

        Assert.Equal("", message.Str("content"));
        Assert.Equal("Need time too.", message.Str("reasoning_content"));
        Assert.Equal("get_time_1", message.Str("tool_calls.0.id"));
        Assert.Equal("function", message.Str("tool_calls.0.type"));
        Assert.Equal("get_time", message.Str("tool_calls.0.function.name"));
        Assert.Equal("""{"zone":"CET"}""", message.Str("tool_calls.0.function.arguments"));
        Assert.Equal("custom-id", message.Str("tool_calls.1.id"));
    }

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task Moonshot_streams_reasoning_then_content_with_usage_in_the_choice_and_a_trailing_usage_chunk(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, transport);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "Hi there", Reasoning = "Think now", PromptTokens = 12, CompletionTokens = 5, ReasoningTokens = 1 });

        List<string> events = await harness.StreamAsync(
            """{"model":"kimi-k2.6","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""");

        const string head = """{"id":"chatcmpl-emu-0001","object":"chat.completion.chunk","created":1767225601,"model":"kimi-k2.6","choices":""";
        const string usage = """{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,"cached_tokens":0,"completion_tokens_details":{"reasoning_tokens":1},"prompt_tokens_details":{"cached_tokens":0}}""";
        Assert.Equal(
        [
            head + """[{"index":0,"delta":{"role":"assistant","reasoning_content":"Think"},"finish_reason":null}]}""",
            head + """[{"index":0,"delta":{"reasoning_content":" now"},"finish_reason":null}]}""",
            head + """[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}""",
            head + """[{"index":0,"delta":{"content":" there"},"finish_reason":null}]}""",
            head + """[{"index":0,"delta":{},"finish_reason":"stop","usage":""" + usage + "}]}",
            head + "[],\"usage\":" + usage + "}",
            "[DONE]",
        ], events);
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_stream_without_include_usage_has_only_the_choice_level_usage()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        List<string> events = await harness.StreamAsync("""{"model":"kimi-k2.6","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        JsonElement finish = EmulatorHarness.Parse(events[^2]);
        Assert.Equal("stop", finish.Str("choices.0.finish_reason"));
        Assert.True(finish.At("choices.0").Has("usage"));
        Assert.DoesNotContain(events, e => e.Contains("\"choices\":[]", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10000)]
    public async Task Moonshot_streams_tool_calls_with_id_and_name_first_then_argument_fragments_by_index()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Call it.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));

        List<string> events = await harness.StreamAsync("""{"model":"kimi-k2.6","stream":true,"messages":[{"role":"user","content":"Weather?"}]}""");

        JsonElement[] deltas = events.Take(events.Count - 2).Select(e => EmulatorHarness.Parse(e).At("choices.0.delta")).ToArray();
        Assert.Equal("Call", deltas[0].Str("reasoning_content"));
        JsonElement start = deltas[2].At("tool_calls.0");
        Assert.Equal(0, start.Int("index"));
        Assert.Equal("get_weather_0", start.Str("id"));
        Assert.Equal("get_weather", start.Str("function.name"));
        Assert.Equal("", start.Str("function.arguments"));
        JsonElement[] fragments = deltas.Skip(3).Select(d => d.At("tool_calls.0")).ToArray();
        Assert.All(fragments, f => Assert.False(f.Has("id")));
        Assert.Equal("""{"city":"Paris"}""", string.Concat(fragments.Select(f => f.Str("function.arguments"))));
        Assert.Equal("tool_calls", EmulatorHarness.Parse(events[^2]).Str("choices.0.finish_reason"));
    }
}
