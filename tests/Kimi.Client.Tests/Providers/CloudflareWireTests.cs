using System.Net;
using System.Text.Json.Nodes;
using Kimi.Client.Testing;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Kimi.Client.Tests.Streaming;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Providers;

/// <summary>
/// Cloudflare Workers AI's wire contract (conformance 39): the account-scoped URL, exact request JSON, the opt-ins for
/// what Cloudflare has not confirmed, the duplicate usage tail, errors in a 200 body, and the v4 error codes.
/// </summary>
public class CloudflareWireTests
{
    private const string Account = "023e105f4ecef8ad9ca31a8372d0c353";
    private const string Hi = """{"role":"user","content":"Hi"}""";

    private static KimiProvider Cloudflare => KimiProvider.CloudflareWorkersAI;

    private static string Fixture(string name) => Fixtures.Text($"Providers/Fixtures/{name}");

    // 39a
    [Fact]
    public void The_url_is_built_from_the_account_id_and_optionally_the_gateway()
    {
        using var direct = new KimiClient(new KimiClientOptions { Provider = Cloudflare with { AccountId = Account }, ApiKey = "T" });
        using var gateway = new KimiClient(new KimiClientOptions { Provider = Cloudflare with { AccountId = Account, GatewayId = "gw1" }, ApiKey = "T" });
        using var escaped = new KimiClient(new KimiClientOptions { Provider = Cloudflare with { AccountId = "acct 1?" }, ApiKey = "T" });

        Assert.Equal($"https://api.cloudflare.com/client/v4/accounts/{Account}/ai/v1", direct.Endpoint.AbsoluteUri);
        Assert.Equal($"https://gateway.ai.cloudflare.com/v1/{Account}/gw1/workers-ai/v1", gateway.Endpoint.AbsoluteUri);
        Assert.Equal("https://api.cloudflare.com/client/v4/accounts/acct%201%3F/ai/v1", escaped.Endpoint.AbsoluteUri);
    }

    // 39a
    [Fact(Timeout = 10_000)]
    public async Task The_account_scoped_url_and_bearer_token_go_on_the_wire()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        var provider = Cloudflare with { AccountId = Account, EndpointTemplate = server.Url + "/client/v4/accounts/{AccountId}/ai/v1" };
        using var client = new KimiClient(new KimiClientOptions { Provider = provider, ApiKey = "T", Resilience = { MaxAttempts = 1 } });

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        var request = Assert.Single(server.Server.LogEntries).RequestMessage;
        Assert.Equal($"/client/v4/accounts/{Account}/ai/v1/chat/completions", request.Path);
        Assert.Equal("Bearer T", request.Headers!["Authorization"].Single());
        Assert.Equal("Paris.", completion.Text);
        Assert.Equal("Capital of France is Paris.", completion.Reasoning);
        Assert.Equal(0, completion.Usage!.CachedInputTokens); // reported as 0: known, not null
    }

    // 39a
    [Fact(Timeout = 10_000)]
    public async Task The_gateway_route_carries_the_same_body()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        var provider = Cloudflare with
        {
            AccountId = Account,
            GatewayId = "gw1",
            EndpointTemplate = server.Url + "/client/v4/accounts/{AccountId}/ai/v1",
            GatewayEndpointTemplate = server.Url + "/v1/{AccountId}/{GatewayId}/workers-ai/v1",
        };
        using var viaGateway = new KimiClient(new KimiClientOptions { Provider = provider, ApiKey = "T", Resilience = { MaxAttempts = 1 } });
        using var direct = new KimiClient(new KimiClientOptions { Provider = provider with { GatewayId = null }, ApiKey = "T", Resilience = { MaxAttempts = 1 } });

        await viaGateway.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await direct.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal($"/v1/{Account}/gw1/workers-ai/v1/chat/completions", server.Server.LogEntries[0].RequestMessage.Path);
        JsonAssert.Equal(server.Server.LogEntries[1].RequestMessage.Body!, server.Server.LogEntries[0].RequestMessage.Body!);
    }

    // 39a
    [Theory]
    [InlineData(null, "needs an account id, which is part of its URL")]
    [InlineData("", "needs an account id, which is part of its URL")]
    [InlineData("abc/def", "contains '/'")]
    public void A_missing_empty_or_slashed_account_id_fails_before_sending(string? accountId, string expected)
    {
        var provider = Cloudflare with { AccountId = accountId, AccountIdVariable = "KIMI_TEST_UNSET_CLOUDFLARE_ACCOUNT" };

        var ex = Assert.Throws<ArgumentException>(() => new KimiClient(new KimiClientOptions { Provider = provider, ApiKey = "T" }));

        Assert.Contains(expected, ex.Message);
        Assert.Contains("Cloudflare Workers AI", ex.Message);
        if (accountId is { Length: > 0 })
        {
            Assert.DoesNotContain(accountId, ex.Message); // a pasted token or URL is not echoed
        }
    }

    // 39a
    [Fact]
    public void A_slashed_gateway_id_fails_before_sending_and_the_account_id_can_come_from_the_environment()
    {
        const string variable = "KIMI_TEST_CLOUDFLARE_ACCOUNT_FROM_ENV";
        Environment.SetEnvironmentVariable(variable, Account);
        try
        {
            var provider = Cloudflare with { AccountIdVariable = variable };
            using var client = new KimiClient(new KimiClientOptions { Provider = provider, ApiKey = "T" });
            Assert.Equal($"https://api.cloudflare.com/client/v4/accounts/{Account}/ai/v1", client.Endpoint.AbsoluteUri);

            var ex = Assert.Throws<ArgumentException>(() => new KimiClient(new KimiClientOptions { Provider = provider with { GatewayId = "a/b" }, ApiKey = "T" }));
            Assert.Contains("the GatewayId of Cloudflare Workers AI contains '/'", ex.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    // 39a: recorded shape of anomalyco/opencode#23773, served by the emulated route
    [Fact(Timeout = 10_000)]
    public async Task A_wrong_account_id_is_a_configuration_error_naming_it_and_never_the_token()
    {
        await using var emulator = await StartEmulatorAsync();
        var root = emulator.BaseAddress.GetLeftPart(UriPartial.Authority);
        var provider = Cloudflare with { AccountId = "cfut_0123", EndpointTemplate = root + "/client/v4/accounts/{AccountId}/ai/v1" };
        using var client = new KimiClient(new KimiClientOptions { Provider = provider, ApiKey = TestClients.ApiKey, Resilience = { MaxAttempts = 3 } });

        var ex = await Assert.ThrowsAsync<KimiBadRequestException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
        Assert.Equal("7003", ex.Error.Code);
        Assert.StartsWith("Could not route to /client/v4/accounts/cfut_0123/ai/v1/chat/completions", ex.Error.Message);
        Assert.Contains("the account id in it ('cfut_0123') is wrong. Set AccountId", ex.Message);
        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString());
        Assert.Single(emulator.Requests); // not retried
    }

    // 39a: the recorded body verbatim
    [Fact(Timeout = 10_000)]
    public async Task The_recorded_7003_body_is_a_configuration_error_naming_the_account_id()
    {
        using var server = RecordingServer.StartFailing(404, Fixture("cloudflare-bad-account-7003-404.json"));
        using var client = server.Client(Cloudflare with { AccountId = "cfut_0123" });

        var ex = await Assert.ThrowsAsync<KimiBadRequestException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.IsNotType<KimiModelNotFoundException>(ex);
        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
        Assert.Equal("7003", ex.Error.Code);
        Assert.Contains("('cfut_0123') is wrong. Set AccountId to the 32-character id from the Cloudflare dashboard (not an API token)", ex.Message);
    }

    // 39b
    [Theory]
    [InlineData("moonshotai/kimi-k2.6")]
    [InlineData("kimi-k2.6")]
    public void A_model_id_without_the_cf_prefix_is_refused_with_the_right_one(string model)
    {
        var ex = Assert.Throws<ArgumentException>(() => new KimiClient(new KimiClientOptions { Provider = Cloudflare with { AccountId = Account }, ApiKey = "T", Model = model }));

        Assert.Contains($"Cloudflare Workers AI model ids start with '@cf/': '{model}' is not served there. Use '@cf/moonshotai/kimi-k2.6'", ex.Message);
    }

    // 39b
    [Fact(Timeout = 10_000)]
    public async Task The_model_is_exact_and_the_deprecated_k2_5_is_sent_with_a_warning()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var logging = RecordingServer.Logging(out var logs);
        using var current = server.Client(Cloudflare);
        using var old = server.Client(Cloudflare, o => o.Model = "@cf/moonshotai/kimi-k2.5", logging);

        await current.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await old.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("@cf/moonshotai/kimi-k2.6", JsonNode.Parse(server.Server.LogEntries[0].RequestMessage.Body!)!["model"]!.GetValue<string>());
        Assert.Equal("@cf/moonshotai/kimi-k2.5", JsonNode.Parse(server.LastBody)!["model"]!.GetValue<string>());
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("Cloudflare serves it as Kimi K2.6", StringComparison.Ordinal));
    }

    // 39c
    [Fact(Timeout = 10_000)]
    public async Task The_session_id_is_the_x_session_affinity_header_on_every_call_and_never_invented()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var client = server.Client(Cloudflare);
        var options = new ChatCompletionOptions { SessionId = "ses_12345678" };

        await client.CompleteAsync("Hi", options, TestContext.Current.CancellationToken);
        await client.CompleteAsync([KimiMessage.User("Hi"), KimiMessage.Assistant("Hello."), KimiMessage.User("Again")], options, TestContext.Current.CancellationToken);
        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        var requests = server.Server.LogEntries.Select(e => e.RequestMessage).ToArray();
        Assert.Equal("ses_12345678", requests[0].Headers!["x-session-affinity"].Single());
        Assert.Equal("ses_12345678", requests[1].Headers!["x-session-affinity"].Single());
        Assert.False(requests[2].Headers!.ContainsKey("x-session-affinity"));
        Assert.All(requests, r => Assert.DoesNotContain("ses_", r.Body!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("new\nline")]
    public void A_session_id_that_cannot_be_a_header_fails_before_sending(string session)
    {
        using var client = new KimiClient(new KimiClientOptions { Provider = Cloudflare with { AccountId = Account }, ApiKey = "T" });

        var ex = Assert.Throws<ArgumentException>(() => client.StreamAsync("Hi", new ChatCompletionOptions { SessionId = session }, TestContext.Current.CancellationToken));

        Assert.Contains("SessionId must be printable ASCII without spaces", ex.Message);
    }

    // 39d
    [Fact(Timeout = 10_000)]
    public async Task Thinking_off_is_chat_template_kwargs_and_the_token_field_is_max_completion_tokens()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var client = server.Client(Cloudflare);

        await client.CompleteAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled, MaxOutputTokens = 2048 }, TestContext.Current.CancellationToken);
        await client.CompleteAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Enabled }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""{"model":"@cf/moonshotai/kimi-k2.6","messages":[{{Hi}}],"max_completion_tokens":2048,"temperature":0.6,"top_p":0.95,"chat_template_kwargs":{"thinking":false} }""",
            server.Server.LogEntries[0].RequestMessage.Body!);
        JsonAssert.Equal(
            $$"""{"model":"@cf/moonshotai/kimi-k2.6","messages":[{{Hi}}],"max_completion_tokens":16000,"temperature":1.0,"top_p":0.95}""",
            server.LastBody);
    }

    // 39e
    [Fact(Timeout = 10_000)]
    public async Task Video_needs_the_unconfirmed_video_opt_in()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var strict = server.Client(Cloudflare);
        using var optedIn = server.Client(Cloudflare, o => o.Media.AllowUnconfirmedVideo = true);
        var message = KimiMessage.User(new TextPart("Summarize."), VideoPart.FromBytes(MediaTestBytes.Mp4));

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => strict.CompleteAsync([message], cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("KimiClientOptions.Media.AllowUnconfirmedVideo = true", ex.Message);
        Assert.Equal(0, server.RequestCount);

        await optedIn.CompleteAsync([message], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(
            "data:video/mp4;base64," + Convert.ToBase64String(MediaTestBytes.Mp4),
            JsonNode.Parse(server.Body)!["messages"]![0]!["content"]![1]!["video_url"]!["url"]!.GetValue<string>());
    }

    // 39e
    [Fact(Timeout = 10_000)]
    public async Task An_image_url_needs_the_unconfirmed_url_opt_in_and_bytes_go_as_a_data_url()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var strict = server.Client(Cloudflare);
        using var optedIn = server.Client(Cloudflare, o => o.Media.AllowUnconfirmedHttpUrls = true);
        var byUrl = KimiMessage.User(new TextPart("What is it?"), ImagePart.FromUri(new Uri("https://example.com/cat.png")));

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => strict.CompleteAsync([byUrl], cancellationToken: TestContext.Current.CancellationToken));
        Assert.StartsWith("Whether Cloudflare Workers AI fetches http(s) image URLs is unconfirmed", ex.Message);
        Assert.Contains("KimiClientOptions.Media.AllowUnconfirmedHttpUrls = true", ex.Message);
        Assert.Equal(0, server.RequestCount);

        await strict.CompleteAsync([KimiMessage.User(new TextPart("What is it?"), ImagePart.FromBytes(MediaTestBytes.Jpeg))], cancellationToken: TestContext.Current.CancellationToken);
        await optedIn.CompleteAsync([byUrl], cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$$"""{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,{{{Convert.ToBase64String(MediaTestBytes.Jpeg)}}}"}}""",
            JsonNode.Parse(server.Server.LogEntries[0].RequestMessage.Body!)!["messages"]![0]!["content"]![1]!.ToJsonString());
        JsonAssert.Equal(
            """{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}""",
            JsonNode.Parse(server.LastBody)!["messages"]![0]!["content"]![1]!.ToJsonString());
    }

    // 39e
    [Fact(Timeout = 10_000)]
    public async Task A_reasoning_effort_needs_its_opt_in()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var strict = server.Client(Cloudflare);
        using var optedIn = server.Client(Cloudflare, o => o.AllowUnconfirmedReasoningEffort = true);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => strict.CompleteAsync("Hi", new ChatCompletionOptions { ReasoningEffort = KimiReasoningEffort.Low }, TestContext.Current.CancellationToken));
        Assert.Contains("KimiClientOptions.AllowUnconfirmedReasoningEffort = true", ex.Message);
        Assert.Equal(0, server.RequestCount);

        await optedIn.CompleteAsync("Hi", new ChatCompletionOptions { ReasoningEffort = KimiReasoningEffort.Low }, TestContext.Current.CancellationToken);
        JsonAssert.Equal(
            $$"""{"model":"@cf/moonshotai/kimi-k2.6","messages":[{{Hi}}],"max_completion_tokens":16000,"temperature":1.0,"top_p":0.95,"reasoning_effort":"low"}""",
            server.Body);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_reasoning_effort_is_refused_where_the_host_has_no_levels_or_thinking_is_off()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var moonshot = server.Client(KimiProvider.Moonshot);
        using var cloudflare = server.Client(Cloudflare, o => o.AllowUnconfirmedReasoningEffort = true);

        var none = await Assert.ThrowsAsync<NotSupportedException>(() => moonshot.CompleteAsync("Hi", new ChatCompletionOptions { ReasoningEffort = KimiReasoningEffort.High }, TestContext.Current.CancellationToken));
        var off = await Assert.ThrowsAsync<ArgumentException>(() => cloudflare.CompleteAsync("Hi", new ChatCompletionOptions { ReasoningEffort = KimiReasoningEffort.High, Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken));

        Assert.StartsWith("Moonshot takes no reasoning effort level for Kimi K2.6", none.Message);
        Assert.Contains("KimiProvider.Ollama, KimiProvider.OllamaCloud, KimiProvider.CloudflareWorkersAI", none.Message);
        Assert.Contains("was set with thinking off", off.Message);
        Assert.Equal(0, server.RequestCount);
    }

    // 39e
    [Fact(Timeout = 10_000)]
    public async Task The_enable_thinking_spelling_is_a_host_variant_with_its_own_switch()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var client = server.Client(Cloudflare with { ThinkingSwitch = KimiThinkingSwitch.ChatTemplateKwargsOffWithEnableThinking });
        using var plain = server.Client(Cloudflare);

        await client.CompleteAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);
        await plain.CompleteAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);

        JsonAssert.Equal("""{"thinking":false,"enable_thinking":false}""", JsonNode.Parse(server.Server.LogEntries[0].RequestMessage.Body!)!["chat_template_kwargs"]!.ToJsonString());
        Assert.DoesNotContain("enable_thinking", server.LastBody);
    }

    // 39e
    [Fact(Timeout = 10_000)]
    public async Task A_forced_tool_choice_while_thinking_needs_its_opt_in()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var strict = server.Client(Cloudflare);
        using var optedIn = server.Client(Cloudflare, o => o.AllowUnconfirmedForcedToolChoice = true);

        foreach (var choice in new[] { ToolChoice.Required, ToolChoice.Function("get_weather") })
        {
            var ex = await Assert.ThrowsAsync<NotSupportedException>(() => strict.CompleteAsync("Hi", WithTool(choice), TestContext.Current.CancellationToken));
            Assert.Contains("KimiClientOptions.AllowUnconfirmedForcedToolChoice = true", ex.Message);
        }

        Assert.Equal(0, server.RequestCount);
        await strict.CompleteAsync("Hi", WithTool(ToolChoice.Required, ThinkingMode.Disabled), TestContext.Current.CancellationToken); // thinking off: fine
        await optedIn.CompleteAsync("Hi", WithTool(ToolChoice.Required), TestContext.Current.CancellationToken);

        var sent = JsonNode.Parse(server.LastBody)!;
        Assert.Equal("required", sent["tool_choice"]!.GetValue<string>());
        Assert.Null(sent["chat_template_kwargs"]); // thinking stays on
    }

    // 39e
    [Fact(Timeout = 10_000)]
    public async Task Reasoning_goes_back_as_reasoning_and_a_tool_call_only_turn_has_empty_string_content()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-response.json"));
        using var client = server.Client(Cloudflare);
        using var echo = server.Client(Cloudflare with { ReasoningWriteFields = ["reasoning", "reasoning_content"] });
        KimiMessage[] history =
        [
            KimiMessage.User("Weather in Paris?"),
            KimiMessage.Assistant(KimiModelFactory.ChatCompletion(string.Empty, "Call the tool.", [new ToolCall("functions.get_weather:0", "get_weather", """{"city":"Paris"}""")])),
            KimiMessage.Tool("functions.get_weather:0", "sunny"),
        ];

        await client.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);
        await echo.CompleteAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            """{"role":"assistant","content":"","reasoning":"Call the tool.","tool_calls":[{"id":"functions.get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}""",
            JsonNode.Parse(server.Server.LogEntries[0].RequestMessage.Body!)!["messages"]![1]!.ToJsonString());
        var echoed = JsonNode.Parse(server.LastBody)!["messages"]![1]!;
        Assert.Equal("Call the tool.", echoed["reasoning"]!.GetValue<string>());
        Assert.Equal("Call the tool.", echoed["reasoning_content"]!.GetValue<string>());
    }

    // 39f
    [Fact(Timeout = 10_000)]
    public async Task Reasoning_is_read_under_both_names()
    {
        var result = await StreamReplay.ReplayAsync(Sse.Frame(Fixture("cloudflare-both-reasoning-names.sse")), Cloudflare, TestContext.Current.CancellationToken);

        Assert.Equal("Thinking.", result.Completion.Reasoning);
        Assert.Equal("OK", result.Completion.Text);
    }

    // 39g
    [Theory(Timeout = 10_000)]
    [InlineData("cloudflare-duplicate-usage-cached-zeroed.sse", "\"prompt_tokens_details\":{\"cached_tokens\":0}")]
    [InlineData("cloudflare-duplicate-usage-cached-zeroed.sse", "\"prompt_tokens_details\":null")]
    [InlineData("cloudflare-duplicate-usage-cached-zeroed.sse", null)]
    [InlineData("cloudflare-recorded-glm-duplicate-usage.sse", "\"prompt_tokens_details\":{\"cached_tokens\":0}")]
    public async Task A_duplicate_usage_tail_counts_once_and_cached_tokens_survive(string fixture, string? trailingDetails)
    {
        var lines = Fixture(fixture).ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // The trailing copy (third event) with its details zeroed, null, or gone.
        lines[2] = lines[2].Replace(""","prompt_tokens_details":{"cached_tokens":0}""", trailingDetails is null ? string.Empty : "," + trailingDetails, StringComparison.Ordinal);

        var result = await StreamReplay.ReplayAsync(StreamReplay.Lines(lines), Cloudflare, TestContext.Current.CancellationToken);

        Assert.Single(result.Updates, u => u.FinishReason is not null);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.False(result.Completion.IsIncomplete);
        var usage = result.Completion.Usage!;
        Assert.Equal((14571, 3, 14574, 14528), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.CachedInputTokens));
        Assert.Equal("ok", result.Completion.Text);
    }

    // 39g: the Kimi shape, where both copies agree
    [Fact(Timeout = 10_000)]
    public async Task The_kimi_thinking_stream_with_agreeing_copies_yields_one_finish_and_one_usage()
    {
        var result = await StreamReplay.ReplayAsync(Sse.Frame(Fixture("cloudflare-thinking-stream-duplicate-usage.sse")), Cloudflare, TestContext.Current.CancellationToken);

        Assert.Single(result.Updates, u => u.FinishReason is not null);
        Assert.Equal("Compare 9.11 and 9.9.", result.Completion.Reasoning);
        Assert.Equal("9.9 is larger.", result.Completion.Text);
        Assert.Equal((2100, 40, 2048), (result.Completion.Usage!.InputTokens, result.Completion.Usage.OutputTokens, result.Completion.Usage.CachedInputTokens));
    }

    // 39g
    [Fact(Timeout = 10_000)]
    public async Task A_stream_whose_only_usage_lacks_cached_tokens_reports_them_unknown()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"@cf/moonshotai/kimi-k2.6","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}""",
            """data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"@cf/moonshotai/kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":14571,"completion_tokens":3,"total_tokens":14574}}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, Cloudflare, TestContext.Current.CancellationToken);

        Assert.Null(result.Completion.Usage!.CachedInputTokens);
    }

    // 39h
    [Fact(Timeout = 10_000)]
    public async Task A_json_error_body_with_200_on_a_streaming_request_is_a_typed_error()
    {
        using var server = RecordingServer.Start(Fixture("cloudflare-capacity-3040.json")); // 200, application/json
        using var client = server.Client(Cloudflare);
        var stream = client.StreamAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<KimiRateLimitException>(async () =>
        {
            await foreach (var update in stream)
            {
                Assert.Fail($"no update expected, got '{update}'");
            }
        });

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.Status);
        Assert.Equal("3040", ex.Error.Code);
        Assert.Equal("Capacity temporarily exceeded, please try again.", ex.Error.Message);
        Assert.IsNotType<KimiQuotaExceededException>(ex); // retryable
        Assert.Null(stream.Completion);
    }

    // 39i
    [Fact(Timeout = 10_000)]
    public async Task The_paid_plan_403_is_an_authentication_error_that_is_not_retried_and_loses_its_AiError_prefixes()
    {
        await using var emulator = await StartEmulatorAsync();
        emulator.Enqueue(EmulatorReply.Error(403, Fixture("cloudflare-paid-plan-5035-403.json")));
        using var client = EmulatedClient(emulator, attempts: 3);

        var ex = await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, ex.Status);
        Assert.Equal("5035", ex.Error.Code);
        Assert.Equal("This model requires the Workers Paid plan.", ex.Error.Message);
        Assert.Contains("Kimi K2.6 needs the Workers Paid plan", ex.Message);
        Assert.Single(emulator.Requests);
    }

    // 39i
    [Fact(Timeout = 10_000)]
    public async Task The_daily_allocation_429_is_a_quota_error_that_is_not_retried()
    {
        await using var emulator = await StartEmulatorAsync();
        emulator.Enqueue(EmulatorReply.Error(429, Fixture("cloudflare-daily-allocation-3036-429.json")));
        emulator.Enqueue(EmulatorReply.FromText("should not be reached"));
        using var client = EmulatedClient(emulator, attempts: 3);

        var ex = await Assert.ThrowsAsync<KimiQuotaExceededException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("3036", ex.Error.Code);
        Assert.StartsWith("You have used up your daily free allocation", ex.Error.Message);
        Assert.Contains("resets at 00:00 UTC", ex.Message);
        Assert.Single(emulator.Requests);
    }

    // 39i
    [Fact(Timeout = 15_000)]
    public async Task The_capacity_429_is_retried_honouring_Retry_After()
    {
        await using var emulator = await StartEmulatorAsync();
        var busy = EmulatorReply.Error(429, Fixture("cloudflare-capacity-3040.json"));
        busy.Headers["Retry-After"] = "1";
        emulator.Enqueue(busy);
        emulator.Enqueue(EmulatorReply.FromText("Paris.", "Capital."));
        using var client = EmulatedClient(emulator, attempts: 3);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Paris.", completion.Text);
        Assert.Equal(2, emulator.Requests.Count);
        Assert.Equal(KimiAttemptOutcome.Retried, completion.Attempts[0].Outcome);
        Assert.Contains("after 1 s (Retry-After)", completion.Attempts[0].Detail);
    }

    // 39i
    [Fact(Timeout = 10_000)]
    public async Task A_plain_text_401_is_an_authentication_error()
    {
        await using var emulator = await StartEmulatorAsync();
        var unauthorized = EmulatorReply.Error(401, "Unauthorized");
        unauthorized.Headers["Content-Type"] = "text/plain";
        emulator.Enqueue(unauthorized);
        using var client = EmulatedClient(emulator, attempts: 3);

        var ex = await Assert.ThrowsAsync<KimiAuthenticationException>(() => client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("Unauthorized", ex.Error.Message);
        Assert.Contains("CLOUDFLARE_API_TOKEN", ex.Message);
        Assert.Contains("Workers AI Read and Workers AI Edit", ex.Message);
        Assert.Single(emulator.Requests);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_streaming_tool_loop_runs_against_the_emulated_route_with_session_affinity()
    {
        await using var emulator = await StartEmulatorAsync();
        emulator.Enqueue(EmulatorReply.FromToolCalls("Look it up.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        emulator.Enqueue(new EmulatorReply { Text = "Sunny in Paris.", Reasoning = "The tool said sunny.", CachedTokens = 40 });
        using var client = EmulatedClient(emulator, attempts: 1);
        var options = new ChatCompletionOptions { Tools = { AIFunctionFactory.Create((string city) => "sunny", "get_weather") }, SessionId = "ses_loop" };
        var history = new List<KimiMessage> { KimiMessage.User("Weather in Paris?") };

        var first = await StreamReplay.CollectAsync(client.StreamAsync(history, options, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        history.Add(KimiMessage.Assistant(first.Completion));
        history.Add(KimiMessage.Tool(first.Completion.ToolCalls[0].Id, "sunny"));
        var second = await StreamReplay.CollectAsync(client.StreamAsync(history, options, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.Equal("Sunny in Paris.", second.Completion.Text);
        Assert.Equal(40, second.Completion.Usage!.CachedInputTokens); // the emulator's trailing copy zeroes it
        Assert.Single(second.Updates, u => u.FinishReason is not null);
        Assert.All(emulator.Requests, r => Assert.Equal("ses_loop", r.Headers["x-session-affinity"]));
        var replayed = JsonNode.Parse(emulator.Requests[1].Body)!["messages"]![1]!;
        Assert.Equal(string.Empty, replayed["content"]!.GetValue<string>());
        Assert.Equal("Look it up.", replayed["reasoning"]!.GetValue<string>());
    }

    [Fact(Timeout = 10_000)]
    public async Task An_error_frame_mid_stream_throws_with_the_partial_result()
    {
        await using var emulator = await StartEmulatorAsync();
        emulator.Enqueue(new EmulatorReply { Text = "Partial answer here", Reasoning = "r", Fault = EmulatorStreamFault.ErrorFrame(3, "upstream failed") });
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
        Assert.Equal("r", ex.PartialCompletion!.Reasoning);
        Assert.Equal("Partial answer", ex.PartialCompletion.Text); // three events arrived: "r", "Partial", " answer"
    }

    private static ChatCompletionOptions WithTool(ToolChoice choice, ThinkingMode? thinking = null) => new()
    {
        Tools = { AIFunctionFactory.Create((string city) => "sunny", "get_weather") },
        ToolChoice = choice,
        Thinking = thinking,
    };

    private static async Task<KimiEmulator> StartEmulatorAsync()
    {
        var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = Cloudflare });
        await emulator.StartAsync(TestContext.Current.CancellationToken);
        return emulator;
    }

    private static KimiClient EmulatedClient(KimiEmulator emulator, int attempts) => new(new KimiClientOptions
    {
        Provider = Cloudflare,
        Endpoint = emulator.BaseAddress,
        ApiKey = TestClients.ApiKey,
        Resilience = { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(10) },
    });
}
