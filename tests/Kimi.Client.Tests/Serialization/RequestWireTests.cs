using System.Text.Json;
using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Serialization;

/// <summary>The exact JSON each profile puts on the wire for everyday calls, checked over real HTTP.</summary>
public class RequestWireTests
{
    private const string UserHello = ExpectedRequest.UserHello;

    /// <summary>Plain chat with every default: thinking on, the profile's token default and recommended sampling.</summary>
    public static TheoryData<KimiProvider, string> PlainChat => new()
    {
        { KimiProvider.Moonshot, $$"""{"model":"kimi-k2.6","messages":[{{UserHello}}],"thinking":{"type":"enabled"},"max_completion_tokens":16000}""" },
        { KimiProvider.DeepInfra, $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"temperature":1.0,"top_p":0.95}""" },
        { KimiProvider.Nvidia, $$"""{"model":"moonshotai/kimi-k2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":true},"temperature":1.0,"top_p":0.95}""" },
        { KimiProvider.Vllm, $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":true},"temperature":1.0,"top_p":0.95}""" },
        { KimiProvider.SGLang, $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":true},"temperature":1.0,"top_p":0.95}""" },
    };

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(PlainChat))]
    public async Task Plain_chat_sends_the_profile_shape_and_returns_the_answer(KimiProvider provider, string expected)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        var completion = await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(expected, server.Body);
        Assert.Equal("Paris.", completion.Text);
        Assert.Equal("Capital of France.", completion.Reasoning);
        Assert.Equal(RecordingServer.Origin(provider), completion.ReasoningOrigin);
        Assert.Equal(FinishReason.Stop, completion.FinishReason);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Every_profile_posts_to_chat_completions_under_its_base_path_with_json_headers(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);

        var request = server.Server.LogEntries.Single().RequestMessage;
        Assert.Equal(TestClients.BasePath(provider) + "/chat/completions", request.Path);
        Assert.Equal("POST", request.Method);
        Assert.StartsWith("application/json", request.Headers!["Content-Type"].Single());
        Assert.Equal("application/json", request.Headers!["Accept"].Single());
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Streaming_sends_stream_true_and_asks_for_usage_except_on_DeepInfra(KimiProvider provider)
    {
        using var server = RecordingServer.StartStreaming("""
            data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}
            data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}
            data: [DONE]
            """);
        using var client = server.Client(provider);

        var stream = client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var _ in stream)
        {
        }

        // DeepInfra puts usage on the finish chunk unasked: no stream_options there.
        JsonAssert.Equal(ExpectedRequest.For(provider, stream: true), server.Body);

        Assert.Equal("text/event-stream", server.Server.LogEntries.Single().RequestMessage.Headers!["Accept"].Single());
        Assert.Equal("Hi", stream.Completion!.Text);
        Assert.Equal(15, stream.Completion.Usage!.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_streaming_request_is_exact()
    {
        using var server = RecordingServer.StartStreaming("""
            data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"reasoning_content":"Hmm."},"finish_reason":null}]}
            data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop","usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}]}
            data: {"id":"s","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}
            data: [DONE]
            """);
        using var client = server.Client(KimiProvider.Moonshot);

        var stream = client.StreamAsync("Hello", cancellationToken: TestContext.Current.CancellationToken);
        await foreach (var _ in stream)
        {
        }

        JsonAssert.Equal(
            $$$"""{"model":"kimi-k2.6","messages":[{{{UserHello}}}],"thinking":{"type":"enabled"},"max_completion_tokens":16000,"stream":true,"stream_options":{"include_usage":true}}""",
            server.Body);
        Assert.Equal("Hmm.", stream.Completion!.Reasoning);
        Assert.Equal(5, stream.Completion.Usage!.TotalTokens);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Json_object_response_format_is_sent_as_is(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);

        await client.CompleteAsync("Hello", new ChatCompletionOptions { ResponseFormat = ResponseFormat.JsonObject }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedRequest.For(provider, """{"response_format":{"type":"json_object"}}"""), server.Body);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Json_schema_response_format_strips_the_schema_keyword_on_Moonshot_only(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        using var schema = JsonDocument.Parse("""
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}
            """);
        var options = new ChatCompletionOptions { ResponseFormat = ResponseFormat.ForJsonSchema("weather", schema.RootElement, "A city.", strict: true) };

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        var schemaKeyword = provider == KimiProvider.Moonshot ? string.Empty : "\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",";
        var format = """
            {"response_format":{"type":"json_schema","json_schema":{"name":"weather","description":"A city.","strict":true,
             "schema":{SCHEMA_KEYWORD"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}}}
            """.Replace("SCHEMA_KEYWORD", schemaKeyword, StringComparison.Ordinal);
        JsonAssert.Equal(ExpectedRequest.For(provider, format), server.Body);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Stop_sequences_and_seed_are_sent(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = new ChatCompletionOptions { Seed = 42 };
        options.StopSequences.Add("\n\n");
        options.StopSequences.Add("END");

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedRequest.For(provider, """{"stop":["\n\n","END"],"seed":42}"""), server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Moonshot_request_with_every_everyday_option_is_exact()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var options = new ChatCompletionOptions { Seed = 7, ResponseFormat = ResponseFormat.JsonObject, MaxOutputTokens = 2048 };
        options.StopSequences.Add("END");
        options.AdditionalProperties["prompt_cache_key"] = "session-42";

        await client.CompleteAsync([KimiMessage.System("You are Kimi."), KimiMessage.User("Hello")], options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""
            {"model":"kimi-k2.6","messages":[{"role":"system","content":"You are Kimi."},{{UserHello}}],
             "thinking":{"type":"enabled"},"max_completion_tokens":2048,"stop":["END"],"seed":7,
             "response_format":{"type":"json_object"},"prompt_cache_key":"session-42"}
            """,
            server.Body);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Additional_properties_go_to_the_top_level(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["prompt_cache_key"] = "session-42";
        options.AdditionalProperties["safety_identifier"] = JsonNode.Parse("""{"user":"u-1"}""");
        options.AdditionalProperties["logprobs"] = null;

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            ExpectedRequest.For(provider, """{"prompt_cache_key":"session-42","safety_identifier":{"user":"u-1"},"logprobs":null}"""),
            server.Body);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task Extra_body_is_flattened_and_never_sent_as_a_key(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["extra_body"] = JsonNode.Parse("""{"top_k":20,"repetition_penalty":1.05}""");

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(ExpectedRequest.For(provider, """{"top_k":20,"repetition_penalty":1.05}"""), server.Body);
        Assert.DoesNotContain("extra_body", server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task Vllm_extra_body_chat_template_kwargs_replaces_ours_at_the_top_level()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["extra_body"] = JsonNode.Parse("""{"chat_template_kwargs":{"thinking":false,"custom":1}}""");

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"moonshotai/Kimi-K2.6","messages":[{{UserHello}}],"chat_template_kwargs":{"thinking":false,"custom":1},"temperature":1.0,"top_p":0.95}""",
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_caller_field_overrides_the_library_field_of_the_same_name()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var options = new ChatCompletionOptions { Seed = 1 };
        options.AdditionalProperties["max_completion_tokens"] = 32000;
        options.AdditionalProperties["thinking"] = JsonNode.Parse("""{"type":"enabled","keep":"all"}""");
        options.AdditionalProperties["seed"] = 99;

        await client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"kimi-k2.6","messages":[{{UserHello}}],"thinking":{"type":"enabled","keep":"all"},"max_completion_tokens":32000,"seed":99}""",
            server.Body);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("model")]
    [InlineData("messages")]
    [InlineData("stream")]
    public async Task Additional_properties_cannot_replace_model_messages_or_stream(string key)
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties[key] = "x";

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken));

        Assert.Contains($"'{key}'", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_extra_body_that_is_not_an_object_is_rejected_before_sending()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var options = new ChatCompletionOptions();
        options.AdditionalProperties["extra_body"] = "{\"top_k\":20}";

        var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.CompleteAsync("Hello", options, TestContext.Current.CancellationToken));

        Assert.Contains("extra_body", error.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(TestClients.Dialects), MemberType = typeof(TestClients))]
    public async Task A_system_message_with_two_text_parts_is_a_plain_string_only_on_Nvidia(KimiProvider provider)
    {
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        var system = new KimiMessage(MessageRole.System);
        system.Parts.Add(new TextPart("You are Kimi. "));
        system.Parts.Add(new TextPart("Answer briefly."));

        await client.CompleteAsync([system, KimiMessage.User("Hello")], cancellationToken: TestContext.Current.CancellationToken);

        var expected = provider == KimiProvider.Nvidia
            ? """{"role":"system","content":"You are Kimi. Answer briefly."}"""
            : """{"role":"system","content":[{"type":"text","text":"You are Kimi. "},{"type":"text","text":"Answer briefly."}]}""";
        JsonAssert.Equal(ExpectedRequest.For(provider, messages: $"[{expected},{ExpectedRequest.UserHello}]"), server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_user_message_with_two_text_parts_stays_an_array_on_Nvidia()
    {
        using var server = RecordingServer.Start(KimiProvider.Nvidia);
        using var client = server.Client(KimiProvider.Nvidia);

        await client.CompleteAsync([KimiMessage.User(new TextPart("One. "), new TextPart("Two."))], cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """{"role":"user","content":[{"type":"text","text":"One. "},{"type":"text","text":"Two."}]}""",
            JsonNode.Parse(server.Body)!["messages"]![0]!.ToJsonString());
    }

    [Fact(Timeout = 10_000)]
    public async Task Text_with_quotes_newlines_and_non_ascii_survives_the_writer()
    {
        using var server = RecordingServer.Start(KimiProvider.Moonshot);
        using var client = server.Client(KimiProvider.Moonshot);
        const string text = "Say \"hi\"\n\tto 月之暗面 😀 </script> \\ \u0001";

        await client.CompleteAsync(text, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(text, JsonNode.Parse(server.Body)!["messages"]![0]!["content"]!.GetValue<string>());
    }
}
