using System.Net;
using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Kimi.Client.Tests.Streaming;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Providers;

/// <summary>
/// Ollama's wire contract (conformance 38): the exact request JSON for the local daemon and Ollama Cloud, spec-shaped
/// responses and streams replayed over HTTP, and both error shapes.
/// </summary>
public class OllamaWireTests
{
    private const string Hi = """{"role":"user","content":"Hi"}""";

    private static string Fixture(string name) => Fixtures.Text($"Providers/Fixtures/{name}");

    // 38a
    [Fact(Timeout = 10_000)]
    public async Task Thinking_off_on_the_local_daemon_is_exactly_reasoning_effort_none()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.Ollama, o => o.ApiKey = null);

        await client.CompleteAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled, MaxOutputTokens = 2048 }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"kimi-k2.6:cloud","messages":[{{Hi}}],"max_tokens":2048,"temperature":0.6,"top_p":0.95,"reasoning_effort":"none"}""",
            server.Body);
        var request = Assert.Single(server.Server.LogEntries).RequestMessage;
        Assert.False(request.Headers!.ContainsKey("Authorization")); // the daemon takes no key
        using var local = new KimiClient(new KimiClientOptions { Provider = KimiProvider.Ollama });
        Assert.Equal(new Uri("http://localhost:11434/v1"), local.Endpoint);
    }

    // 38a
    [Fact(Timeout = 10_000)]
    public async Task Thinking_on_sends_no_reasoning_effort_and_the_thinking_temperature()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.Ollama, o => o.ApiKey = null);

        await client.CompleteAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Enabled, MaxOutputTokens = 2048 }, TestContext.Current.CancellationToken);
        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        foreach (var body in server.Server.LogEntries.Select(e => e.RequestMessage.Body!))
        {
            foreach (var key in new[] { "reasoning_effort", "thinking", "chat_template_kwargs", "enable_thinking", "reasoning", "max_completion_tokens" })
            {
                Assert.Null(JsonNode.Parse(body)![key]);
            }
        }

        JsonAssert.Equal($$"""{"model":"kimi-k2.6:cloud","messages":[{{Hi}}],"max_tokens":2048,"temperature":1.0,"top_p":0.95}""", server.Server.LogEntries[0].RequestMessage.Body!);
        JsonAssert.Equal($$"""{"model":"kimi-k2.6:cloud","messages":[{{Hi}}],"max_tokens":16000,"temperature":1.0,"top_p":0.95}""", server.LastBody);
    }

    // 38a
    [Fact(Timeout = 10_000)]
    public async Task Ollama_Cloud_rewrites_the_cloud_tag_and_sends_the_bearer_key()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.OllamaCloud, o => o.Model = "kimi-k2.6:cloud");

        await client.CompleteAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled, MaxOutputTokens = 2048 }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"kimi-k2.6","messages":[{{Hi}}],"max_tokens":2048,"temperature":0.6,"top_p":0.95,"reasoning_effort":"none"}""",
            server.Body);
        Assert.Equal($"Bearer {TestClients.ApiKey}", server.Server.LogEntries[0].RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal("kimi-k2.6", client.Model);
        using var cloud = new KimiClient(new KimiClientOptions { Provider = KimiProvider.OllamaCloud, ApiKey = "k" });
        Assert.Equal(new Uri("https://ollama.com/v1"), cloud.Endpoint);
        Assert.Equal("kimi-k2.6", cloud.Model);
    }

    [Fact]
    public void Ollama_Cloud_needs_a_key_and_names_its_variable()
    {
        var ex = Assert.Throws<ArgumentException>(() => new KimiClient(new KimiClientOptions { Provider = KimiProvider.OllamaCloud with { ApiKeyVariable = "KIMI_TEST_UNSET_OLLAMA_KEY" } }));

        Assert.Contains("ApiKey is required for Ollama Cloud", ex.Message);
        Assert.Equal("OLLAMA_API_KEY", KimiProvider.OllamaCloud.ApiKeyVariable);
        Assert.Null(KimiProvider.Ollama.ApiKeyVariable);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_retired_tag_is_sent_with_a_warning()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var logging = RecordingServer.Logging(out var logs);
        using var client = server.Client(KimiProvider.OllamaCloud, o => o.Model = "kimi-k2-thinking:cloud", logging);

        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("kimi-k2-thinking", JsonNode.Parse(server.Body)!["model"]!.GetValue<string>());
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("retired kimi-k2-thinking on 2026-06-16", StringComparison.Ordinal));
    }

    // 38b
    [Fact(Timeout = 10_000)]
    public async Task Streamed_reasoning_is_read_from_reasoning_and_empty_content_is_no_text()
    {
        var result = await StreamReplay.ReplayAsync(Sse.Frame(Fixture("ollama-thinking-stream.sse")), KimiProvider.Ollama, TestContext.Current.CancellationToken);

        Assert.Equal("Compare 9.11 and 9.9.", result.Completion.Reasoning);
        Assert.Equal("9.9", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Equal(["9.9"], result.UpdatesWithContent.Select(u => u.ContentDelta));
        Assert.Equal(["Compare ", "9.11 and 9.9."], result.Updates.Where(u => u.ReasoningDelta is not null).Select(u => u.ReasoningDelta));
    }

    // 38b: the recorded max_tokens:20 case (rohitg00/agentmemory#240)
    [Fact(Timeout = 10_000)]
    public async Task A_length_stop_with_only_reasoning_is_a_result()
    {
        using var server = RecordingServer.Start(Fixture("ollama-length-reasoning-only.json"));
        using var client = server.Client(KimiProvider.Ollama);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, completion.Text);
        Assert.Equal("R", completion.Reasoning);
        Assert.Equal(FinishReason.Length, completion.FinishReason);
        Assert.Equal((14, 20, 34), (completion.Usage!.InputTokens, completion.Usage.OutputTokens, completion.Usage.TotalTokens));
    }

    // 38c
    [Fact(Timeout = 10_000)]
    public async Task Reasoning_goes_back_as_reasoning_with_string_content_and_null_content_beside_tool_calls()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.Ollama);
        var call = new ToolCall("call_ab12cd34", "get_weather", """{"city":"Paris"}""");
        KimiMessage[] history =
        [
            KimiMessage.User("Capital of France?"),
            KimiMessage.Assistant(KimiModelFactory.ChatCompletion("Paris.", "R1")),
            KimiMessage.User("Weather there?"),
            KimiMessage.Assistant(KimiModelFactory.ChatCompletion(string.Empty, "R2", [call])),
            KimiMessage.Tool("call_ab12cd34", "sunny"),
        ];

        await client.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        var messages = JsonNode.Parse(server.Body)!["messages"]!.AsArray();
        JsonAssert.Equal("""{"role":"assistant","content":"Paris.","reasoning":"R1"}""", messages[1]!.ToJsonString());
        JsonAssert.Equal(
            """{"role":"assistant","content":null,"reasoning":"R2","tool_calls":[{"id":"call_ab12cd34","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}""",
            messages[3]!.ToJsonString());
        JsonAssert.Equal("""{"role":"tool","content":"sunny","tool_call_id":"call_ab12cd34"}""", messages[4]!.ToJsonString());
        Assert.DoesNotContain("reasoning_content", server.Body);
    }

    // 38c
    [Theory(Timeout = 10_000)]
    [InlineData("")]
    [InlineData("{\"city\":")]
    [InlineData("[1,2]")]
    public async Task Replayed_arguments_that_are_not_a_json_object_go_as_an_empty_object_with_a_warning(string arguments)
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var logging = RecordingServer.Logging(out var logs);
        using var client = server.Client(KimiProvider.Ollama, loggerFactory: logging);
        KimiMessage[] history =
        [
            KimiMessage.User("Weather?"),
            KimiMessage.Assistant(KimiModelFactory.ChatCompletion(string.Empty, "R", [new ToolCall("call_1", "get_weather", arguments)])),
            KimiMessage.Tool("call_1", "sunny"),
        ];

        await client.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("{}", JsonNode.Parse(server.Body)!["messages"]![1]!["tool_calls"]![0]!["function"]!["arguments"]!.GetValue<string>());
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("call_1", StringComparison.Ordinal) && r.Message.Contains("sending {}", StringComparison.Ordinal));
    }

    // 38d
    [Fact(Timeout = 10_000)]
    public async Task The_token_limit_is_max_tokens_only()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.OllamaCloud);

        await client.CompleteAsync("Hi", new ChatCompletionOptions { MaxOutputTokens = 16000 }, TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!;
        Assert.Equal(16000, body["max_tokens"]!.GetValue<int>());
        Assert.Null(body["max_completion_tokens"]);
    }

    public static TheoryData<string, byte[]> InlineImages => new()
    {
        { "image/png", MediaTestBytes.Png },
        { "image/jpeg", MediaTestBytes.Jpeg },
        { "image/webp", MediaTestBytes.WebP },
    };

    // 38e
    [Theory(Timeout = 10_000)]
    [MemberData(nameof(InlineImages))]
    public async Task Images_go_as_base64_data_urls(string mediaType, byte[] bytes)
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.Ollama);

        await client.CompleteAsync([KimiMessage.User(new TextPart("What is it?"), ImagePart.FromBytes(bytes))], cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$$"""[{"role":"user","content":[{"type":"text","text":"What is it?"},{"type":"image_url","image_url":{"url":"data:{{{mediaType}}};base64,{{{Convert.ToBase64String(bytes)}}}"}}]}]""",
            JsonNode.Parse(server.Body)!["messages"]!.ToJsonString());
    }

    // 38e
    [Fact(Timeout = 10_000)]
    public async Task An_image_url_is_refused_before_sending_naming_the_host_and_the_way_out()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.Ollama);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.CompleteAsync(
            [KimiMessage.User(new TextPart("What is it?"), ImagePart.FromUri(new Uri("https://example.com/a.png")))], cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith("Ollama does not accept http(s) image URLs", ex.Message);
        Assert.Contains("KimiClientOptions.Media.InlineHttpUrls = true", ex.Message);
        Assert.DoesNotContain("GetFilesClient", ex.Message); // Ollama has no files API
        Assert.Equal(0, server.RequestCount);
    }

    // 38e
    [Fact(Timeout = 15_000)]
    public async Task With_download_and_inline_an_image_url_is_fetched_and_sent_as_a_data_url()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var images = WireMockServer.Start();
        images.Given(Request.Create().WithPath("/a.png").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/png").WithBody(MediaTestBytes.Png));
        using var client = server.Client(KimiProvider.Ollama, o => o.Media.InlineHttpUrls = true);

        await client.CompleteAsync([KimiMessage.User(ImagePart.FromUri(new Uri(images.Url + "/a.png")))], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(
            "data:image/png;base64," + Convert.ToBase64String(MediaTestBytes.Png),
            JsonNode.Parse(server.Body)!["messages"]![0]!["content"]![0]!["image_url"]!["url"]!.GetValue<string>());
        Assert.False(Assert.Single(images.LogEntries).RequestMessage.Headers!.ContainsKey("Authorization")); // never with the key
    }

    // 38e
    [Fact(Timeout = 10_000)]
    public async Task A_gif_is_refused_before_sending()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.Ollama);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.CompleteAsync(
            [KimiMessage.User(ImagePart.FromBytes(MediaTestBytes.Gif))], cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith("Ollama accepts jpeg, jpg, png, webp images", ex.Message);
        Assert.Contains("image/gif", ex.Message);
        Assert.Equal(0, server.RequestCount);
    }

    // 38f
    [Theory(Timeout = 10_000)]
    [InlineData("bytes")]
    [InlineData("url")]
    public async Task A_video_is_refused_before_sending(string source)
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.OllamaCloud);
        VideoPart video = source == "url" ? VideoPart.FromUri(new Uri("https://example.com/a.mp4")) : VideoPart.FromBytes(MediaTestBytes.Mp4);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.CompleteAsync([KimiMessage.User(video)], cancellationToken: TestContext.Current.CancellationToken));

        Assert.StartsWith("Ollama Cloud is not confirmed to take video", ex.Message);
        Assert.Equal(0, server.RequestCount);
    }

    // 38g
    [Fact(Timeout = 10_000)]
    public async Task Streaming_asks_for_usage_and_unreported_details_stay_null()
    {
        using var server = RecordingServer.StartStreaming(Fixture("ollama-usage-without-details.sse"));
        using var client = server.Client(KimiProvider.Ollama);

        var result = await StreamReplay.CollectAsync(client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        JsonAssert.Equal("""{"include_usage":true}""", JsonNode.Parse(server.Body)!["stream_options"]!.ToJsonString());
        var usage = result.Completion.Usage!;
        Assert.Equal((20, 31, 51), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens));
        Assert.Null(usage.CachedInputTokens);
        Assert.Null(usage.ReasoningTokens);
        Assert.Equal(31, usage.TextOutputTokens);
        Assert.Equal("ok", result.Completion.Text);
    }

    // 38h
    [Fact(Timeout = 10_000)]
    public async Task Parallel_calls_that_repeat_index_0_with_different_ids_stay_separate()
    {
        var result = await StreamReplay.ReplayAsync(Sse.Frame(Fixture("ollama-parallel-calls-index-0.sse")), KimiProvider.Ollama, TestContext.Current.CancellationToken);

        Assert.Equal(
            [("call_aaaa1111", "read", """{"path":"a.cs"}"""), ("call_bbbb2222", "read", """{"path":"b.cs"}""")],
            result.Completion.ToolCalls.Select(c => (c.Id, c.Name, c.Arguments)));
        Assert.All(result.Completion.ToolCalls, c => Assert.Null(c.ArgumentsError));
        Assert.Equal(FinishReason.ToolCalls, result.Completion.FinishReason);
    }

    // 38h: the recorded older chunk format (role on every chunk, distinct indexes)
    [Fact(Timeout = 10_000)]
    public async Task The_recorded_two_call_stream_in_the_older_format_parses()
    {
        var result = await StreamReplay.ReplayAsync(Sse.Frame(Fixture("ollama-recorded-two-tool-calls-old-format.sse")), KimiProvider.Ollama, TestContext.Current.CancellationToken);

        Assert.Equal(
            [("call_wteop8bt", """{"command":"ls"}"""), ("call_rk2xye1l", """{"command":"ls -l"}""")],
            result.Completion.ToolCalls.Select(c => (c.Id, c.Arguments)));
        Assert.Equal(string.Empty, result.Completion.Text);
    }

    // 38i
    [Fact(Timeout = 10_000)]
    public async Task A_forced_tool_choice_is_refused_because_ollama_ignores_it()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.Ollama);

        foreach (var choice in new[] { ToolChoice.Required, ToolChoice.Function("get_weather") })
        {
            var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.CompleteAsync("Hi", WithTool(choice), TestContext.Current.CancellationToken));
            Assert.StartsWith("Ollama ignores tool_choice", ex.Message);
            Assert.Contains("KimiClientOptions.AllowIgnoredToolChoice = true", ex.Message);
        }

        Assert.Equal(0, server.RequestCount);
    }

    // 38i
    [Fact(Timeout = 10_000)]
    public async Task With_the_opt_in_a_forced_choice_is_left_out_with_a_warning()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var logging = RecordingServer.Logging(out var logs);
        using var client = server.Client(KimiProvider.Ollama, o => o.AllowIgnoredToolChoice = true, logging);

        await client.CompleteAsync("Hi", WithTool(ToolChoice.Required), TestContext.Current.CancellationToken);

        var body = JsonNode.Parse(server.Body)!;
        Assert.Null(body["tool_choice"]);
        Assert.Equal("get_weather", body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("ignores tool_choice; 'required' was not sent", StringComparison.Ordinal));
    }

    // 38i
    [Fact(Timeout = 10_000)]
    public async Task Tool_choice_none_sends_no_tools()
    {
        using var server = RecordingServer.Start(Fixture("ollama-response.json"));
        using var client = server.Client(KimiProvider.Ollama);

        await client.CompleteAsync("Hi", WithTool(ToolChoice.None), TestContext.Current.CancellationToken);
        await client.CompleteAsync("Hi", WithTool(ToolChoice.Auto), TestContext.Current.CancellationToken);

        var none = JsonNode.Parse(server.Server.LogEntries[0].RequestMessage.Body!)!;
        Assert.Null(none["tools"]);
        Assert.Null(none["tool_choice"]);
        var auto = JsonNode.Parse(server.LastBody)!;
        Assert.NotNull(auto["tools"]);
        Assert.Null(auto["tool_choice"]); // ignored by Ollama: never sent
    }

    // 38j
    [Fact(Timeout = 10_000)]
    public async Task A_daemon_that_is_not_signed_in_is_an_authentication_error_with_the_sign_in_url_as_data()
    {
        using var server = RecordingServer.StartFailing(401, Fixture("ollama-not-signed-in-401.json"));
        using var logging = RecordingServer.Logging(out var logs);
        using var client = server.Client(KimiProvider.Ollama, o => o.ApiKey = null, logging);

        var ex = await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.Status);
        Assert.Equal("unauthorized", ex.Error.Message);
        Assert.Contains("need the local Ollama daemon to be signed in to ollama.com: run 'ollama signin'", ex.Message);
        Assert.Equal("https://ollama.com/connect?name=h&key=k", ex.Error.Details!["signin_url"]);
        Assert.DoesNotContain("connect?name", ex.Message);
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains("connect?name", StringComparison.Ordinal));
    }

    // 38j
    [Fact(Timeout = 10_000)]
    public async Task An_unknown_model_is_model_not_found_and_not_retried()
    {
        await using var emulator = await StartEmulatorAsync(KimiProvider.OllamaCloud);
        emulator.Enqueue(Testing.EmulatorReply.Error(404, Fixture("ollama-model-not-found-404.json")));
        using var client = EmulatedClient(emulator, attempts: 3);

        var ex = await Assert.ThrowsAsync<KimiModelNotFoundException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("model \"gemma4:cloud\" not found", ex.Error.Message);
        Assert.Equal("not_found_error", ex.Error.Type);
        Assert.Contains("ollama.com serves Kimi K2.6 as 'kimi-k2.6'", ex.Message);
        Assert.Single(emulator.Requests);
    }

    // 38j
    [Fact(Timeout = 10_000)]
    public async Task A_used_up_usage_limit_is_a_quota_error_that_is_not_retried_and_keeps_the_ref()
    {
        await using var emulator = await StartEmulatorAsync(KimiProvider.OllamaCloud);
        emulator.Enqueue(Testing.EmulatorReply.Error(429, Fixture("ollama-weekly-usage-limit-429.json")));
        emulator.Enqueue(Testing.EmulatorReply.FromText("should not be reached"));
        using var client = EmulatedClient(emulator, attempts: 3);

        var ex = await Assert.ThrowsAsync<KimiQuotaExceededException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Equal("api_error", ex.Error.Type);
        Assert.Equal("90a4c1d2", ex.RequestId);
        Assert.Contains("usage limit", ex.Message);
        Assert.Contains("not retried", ex.Message);
        Assert.Single(emulator.Requests);
        Assert.Single(ex.Attempts);
    }

    // 38j
    [Fact(Timeout = 15_000)]
    public async Task Server_overloaded_in_the_string_shape_is_retried_with_backoff()
    {
        await using var emulator = await StartEmulatorAsync(KimiProvider.OllamaCloud);
        emulator.Enqueue(Testing.EmulatorReply.Error(503, Fixture("ollama-server-overloaded-503.json")));
        emulator.Enqueue(Testing.EmulatorReply.FromText("Paris."));
        using var client = EmulatedClient(emulator, attempts: 3);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Paris.", completion.Text);
        Assert.Equal(2, emulator.Requests.Count);
        Assert.Equal([503, 200], completion.Attempts.Select(a => (int?)a.Status ?? 0));
    }

    // 38j: when every try fails, the string shape and its ref reach the exception
    [Fact(Timeout = 15_000)]
    public async Task Server_overloaded_to_the_end_is_a_server_error_with_the_ref()
    {
        using var server = RecordingServer.StartFailing(503, Fixture("ollama-server-overloaded-503.json"));
        using var client = server.Client(KimiProvider.OllamaCloud);

        var ex = await Assert.ThrowsAsync<KimiServerException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("Server overloaded, please retry shortly (ref: aaa6f00d)", ex.Error.Message);
        Assert.Equal("aaa6f00d", ex.RequestId);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_streaming_tool_loop_runs_against_the_emulated_daemon()
    {
        await using var emulator = await StartEmulatorAsync(KimiProvider.Ollama);
        emulator.Enqueue(Testing.EmulatorReply.FromToolCalls("I need both files.", new Testing.EmulatorToolCall("read", """{"path":"a.cs"}"""), new Testing.EmulatorToolCall("read", """{"path":"b.cs"}""")));
        emulator.Enqueue(Testing.EmulatorReply.FromText("Both files are read.", "Done reading."));
        using var client = EmulatedClient(emulator, attempts: 1, apiKey: null);
        var options = new ChatCompletionOptions { Tools = { AIFunctionFactory.Create((string path) => path, "read") } };
        var history = new List<KimiMessage> { KimiMessage.User("Read a.cs and b.cs.") };

        var first = await StreamReplay.CollectAsync(client.StreamAsync(history, options, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        Assert.Equal(2, first.Completion.ToolCalls.Count); // the dialect streams both with index 0
        history.Add(KimiMessage.Assistant(first.Completion));
        history.AddRange(first.Completion.ToolCalls.Select(c => KimiMessage.Tool(c.Id, "contents of " + c.Arguments)));
        var second = await StreamReplay.CollectAsync(client.StreamAsync(history, options, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.Equal("Both files are read.", second.Completion.Text);
        Assert.Equal("Done reading.", second.Completion.Reasoning);
        var replayed = JsonNode.Parse(emulator.Requests[1].Body)!["messages"]![1]!;
        Assert.Equal("I need both files.", replayed["reasoning"]!.GetValue<string>());
        Assert.Null(replayed["reasoning_content"]);
        Assert.True(replayed.AsObject().ContainsKey("content") && replayed["content"] is null, "a tool-call-only turn carries \"content\":null");
    }

    [Fact(Timeout = 10_000)]
    public async Task An_error_object_mid_stream_throws_with_the_partial_result()
    {
        await using var emulator = await StartEmulatorAsync(KimiProvider.OllamaCloud);
        emulator.Enqueue(new Testing.EmulatorReply { Text = "Partial answer here", Reasoning = "r", Fault = Testing.EmulatorStreamFault.ErrorFrame(3, "upstream failed") });
        using var client = EmulatedClient(emulator, attempts: 1);

        var ex = await Assert.ThrowsAsync<KimiServerException>(async () =>
        {
            await foreach (var update in client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken))
            {
                _ = update;
            }
        });

        Assert.True(ex.IsStreamError);
        Assert.Equal("upstream failed", ex.Error.Message);
        Assert.Equal("api_error", ex.Error.Type);
        Assert.Equal("r", ex.PartialCompletion!.Reasoning);
        Assert.Equal("Partial answer", ex.PartialCompletion.Text); // three events arrived: "r", "Partial", " answer"
    }

    private static ChatCompletionOptions WithTool(ToolChoice choice) => new()
    {
        Tools = { AIFunctionFactory.Create((string city) => "sunny", "get_weather") },
        ToolChoice = choice,
    };

    private static async Task<Testing.KimiEmulator> StartEmulatorAsync(KimiProvider provider)
    {
        var emulator = new Testing.KimiEmulator(new Testing.KimiEmulatorOptions { Provider = provider });
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        return emulator;
    }

    private static KimiClient EmulatedClient(Testing.KimiEmulator emulator, int attempts, string? apiKey = TestClients.ApiKey) => new(new KimiClientOptions
    {
        Provider = emulator.Options.Provider,
        Endpoint = emulator.BaseAddress,
        ApiKey = apiKey,
        Resilience = { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(10) },
    });
}
