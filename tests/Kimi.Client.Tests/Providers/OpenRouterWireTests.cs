using System.Text.Json.Nodes;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Kimi.Client.Tests.Streaming;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Providers;

/// <summary>
/// OpenRouter's request contract (conformance 33 and 37): the <c>reasoning</c> switch, the always-present <c>max_tokens</c>, the
/// routing options, session and end-user ids and attribution headers on the wire, exactly; the usage with its exact cost; and
/// what a result says about the model, upstream and generation that answered.
/// </summary>
public class OpenRouterWireTests
{
    private const string Hi = """{"role":"user","content":"Hi"}""";

    private const string WeatherTool =
        """{"type":"function","function":{"name":"get_weather","description":"Get weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}""";

    private static readonly string[] NeverSent = ["thinking", "chat_template_kwargs", "include_reasoning", "reasoning_effort", "extra_body", "usage", "stream_options", "transforms", "route"];

    private static KimiProvider OpenRouter => KimiProvider.OpenRouter;

    private static string Fixture(string name) => Fixtures.Text($"Providers/Fixtures/{name}");

    private static AIFunction GetWeather() => AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather", "Get weather");

    // 33: the conformance body, exactly
    [Fact(Timeout = 10_000)]
    public async Task Thinking_on_with_a_tool_is_exactly_the_reasoning_object_and_max_tokens()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var client = server.Client(OpenRouter);
        var options = new ChatCompletionOptions { Thinking = ThinkingMode.Enabled, MaxOutputTokens = 16000, ToolChoice = ToolChoice.Auto };
        options.Tools.Add(GetWeather());

        await client.CompleteAsync([KimiMessage.System("You are Kimi."), KimiMessage.User("Weather in Paris?")], options, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$"""
            {"model":"moonshotai/kimi-k2.6","max_tokens":16000,"reasoning":{"enabled":true},
             "messages":[{"role":"system","content":"You are Kimi."},{"role":"user","content":"Weather in Paris?"}],
             "tools":[{{WeatherTool}}],
             "tool_choice":"auto"}
            """,
            server.Body);
    }

    // 33
    [Fact(Timeout = 10_000)]
    public async Task Thinking_off_is_effort_none_and_unset_sends_no_reasoning_key_and_max_tokens_is_always_there()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var client = server.Client(OpenRouter);

        await client.CompleteAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);
        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await StreamReplay.CollectAsync(client.StreamAsync("Hi", new ChatCompletionOptions { Thinking = ThinkingMode.Enabled }, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var bodies = server.Server.LogEntries.Select(e => e.RequestMessage.Body!).ToArray();
        JsonAssert.Equal($$"""{"model":"moonshotai/kimi-k2.6","messages":[{{Hi}}],"reasoning":{"effort":"none"},"max_tokens":16000}""", bodies[0]);
        JsonAssert.Equal($$"""{"model":"moonshotai/kimi-k2.6","messages":[{{Hi}}],"max_tokens":16000}""", bodies[1]);
        JsonAssert.Equal($$"""{"model":"moonshotai/kimi-k2.6","messages":[{{Hi}}],"reasoning":{"enabled":true},"max_tokens":16000,"stream":true}""", bodies[2]);
        foreach (var body in bodies)
        {
            var json = JsonNode.Parse(body)!.AsObject();
            Assert.All(NeverSent, key => Assert.False(json.ContainsKey(key), $"{key} was sent"));
            if (json["reasoning"] is JsonObject reasoning)
            {
                Assert.Null(reasoning["max_tokens"]);
                Assert.True(reasoning["effort"] is null || reasoning["effort"]!.GetValue<string>() == "none");
            }
        }
    }

    // 33
    [Fact(Timeout = 10_000)]
    public async Task A_caller_effort_is_not_sent_and_a_warning_names_the_model()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var logging = RecordingServer.Logging(out var logs);
        using var client = server.Client(OpenRouter, loggerFactory: logging);

        await client.CompleteAsync("Hi", new ChatCompletionOptions { ReasoningEffort = KimiReasoningEffort.High }, TestContext.Current.CancellationToken);

        JsonAssert.Equal($$"""{"model":"moonshotai/kimi-k2.6","messages":[{{Hi}}],"max_tokens":16000}""", server.Body);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("moonshotai/kimi-k2.6", warning.Message);
        Assert.Contains("'high' was not sent", warning.Message);
    }

    // 33
    [Fact(Timeout = 10_000)]
    public async Task ExcludeReasoning_with_tools_is_refused_before_sending_and_without_tools_is_the_exclude_form()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var client = server.Client(OpenRouter);
        var withTools = new ChatCompletionOptions { Thinking = ThinkingMode.Enabled, ExcludeReasoning = true };
        withTools.Tools.Add(GetWeather());

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", withTools, TestContext.Current.CancellationToken));
        Assert.Contains("ExcludeReasoning cannot be combined with tools", ex.Message);
        Assert.Equal(0, server.RequestCount);

        await client.CompleteAsync("Hi", new ChatCompletionOptions { ExcludeReasoning = true }, TestContext.Current.CancellationToken);
        JsonAssert.Equal($$"""{"model":"moonshotai/kimi-k2.6","messages":[{{Hi}}],"reasoning":{"enabled":true,"exclude":true},"max_tokens":16000}""", server.Body);

        using var moonshot = server.Client(KimiProvider.Moonshot);
        await Assert.ThrowsAsync<NotSupportedException>(() => moonshot.CompleteAsync("Hi", new ChatCompletionOptions { ExcludeReasoning = true }, TestContext.Current.CancellationToken));
    }

    // 33
    [Fact(Timeout = 10_000)]
    public async Task RequireParameters_is_the_provider_object_alone()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var client = server.Client(OpenRouter with { Routing = new OpenRouterRouting(RequireParameters: true) });

        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        JsonAssert.Equal($$$"""{"model":"moonshotai/kimi-k2.6","messages":[{{{Hi}}}],"max_tokens":16000,"provider":{"require_parameters":true}}""", server.Body);
    }

    // 37: the conformance body, exactly
    [Fact(Timeout = 10_000)]
    public async Task Routing_options_session_user_and_fallback_models_are_exactly_on_the_wire()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        var provider = OpenRouter with
        {
            Routing = new OpenRouterRouting(
                Only: ["moonshotai"], AllowFallbacks: false, RequireParameters: true, DataCollection: OpenRouterDataPolicy.Deny, Zdr: true,
                Quantizations: ["fp8", "int4"], Sort: OpenRouterSort.Throughput, MaxPrice: new OpenRouterMaxPrice(Prompt: 1, Completion: 4)),
            FallbackModels = ["moonshotai/kimi-k2.5"],
        };
        using var client = server.Client(provider);

        await StreamReplay.CollectAsync(
            client.StreamAsync("Hi", new ChatCompletionOptions { SessionId = "conv-7f3a", EndUserId = "u-123" }, TestContext.Current.CancellationToken),
            TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$$"""
            {"model":"moonshotai/kimi-k2.6","models":["moonshotai/kimi-k2.6","moonshotai/kimi-k2.5"],
             "session_id":"conv-7f3a","user":"u-123",
             "provider":{"only":["moonshotai"],"allow_fallbacks":false,"require_parameters":true,"data_collection":"deny",
                         "zdr":true,"quantizations":["fp8","int4"],"sort":"throughput",
                         "max_price":{"prompt":"1","completion":"4"}},
             "messages":[{{{Hi}}}],"max_tokens":16000,"stream":true}
            """,
            server.Body);
        var request = Assert.Single(server.Server.LogEntries).RequestMessage;
        Assert.False(request.Headers!.ContainsKey("x-session-id")); // the body carries it
        Assert.False(request.Headers.ContainsKey("x-session-affinity"));
    }

    // 37
    [Fact(Timeout = 10_000)]
    public async Task Unset_routing_members_are_left_out_and_the_end_user_id_goes_to_no_other_host()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var client = server.Client(OpenRouter with { Routing = new OpenRouterRouting(Order: ["moonshotai", "parasail"], Ignore: ["venice"]) });
        using var vllm = server.Client(KimiProvider.Vllm);

        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await vllm.CompleteAsync("Hi", new ChatCompletionOptions { EndUserId = "u-123", SessionId = "s-1" }, TestContext.Current.CancellationToken);

        JsonAssert.Equal(
            $$$"""{"model":"moonshotai/kimi-k2.6","messages":[{{{Hi}}}],"max_tokens":16000,"provider":{"order":["moonshotai","parasail"],"ignore":["venice"]}}""",
            server.Server.LogEntries[0].RequestMessage.Body!);
        Assert.DoesNotContain("u-123", server.LastBody);
        Assert.DoesNotContain("\"provider\"", server.LastBody);
    }

    // 37
    [Fact(Timeout = 10_000)]
    public async Task A_session_id_over_256_characters_is_refused_before_sending()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var client = server.Client(OpenRouter);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.CompleteAsync("Hi", new ChatCompletionOptions { SessionId = new string('s', 257) }, TestContext.Current.CancellationToken));
        await client.CompleteAsync("Hi", new ChatCompletionOptions { SessionId = new string('s', 256) }, TestContext.Current.CancellationToken);

        Assert.Contains("257 characters; OpenRouter takes at most 256", ex.Message);
        Assert.Equal(new string('s', 256), JsonNode.Parse(server.Body)!["session_id"]!.GetValue<string>());
    }

    // 37
    [Fact(Timeout = 10_000)]
    public async Task Attribution_headers_are_sent_and_the_legacy_title_only_when_asked()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        const string key = "sk-or-v1-0123456789abcdef-SENTINEL";
        var attribution = new OpenRouterAttribution(new Uri("https://example.app"), "Example", ["cli-agent", "ide-extension"]);
        using var client = server.Client(OpenRouter with { Attribution = attribution }, o => o.ApiKey = key);
        using var legacy = server.Client(OpenRouter with { Attribution = attribution with { SendLegacyTitle = true } }, o => o.ApiKey = key);

        await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);
        await legacy.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        var first = server.Server.LogEntries[0].RequestMessage.Headers!;
        Assert.Equal($"Bearer {key}", first["Authorization"].Single());
        Assert.Equal("https://example.app", first["HTTP-Referer"].Single());
        Assert.Equal("Example", first["X-OpenRouter-Title"].Single());
        Assert.Equal("cli-agent,ide-extension", first["X-OpenRouter-Categories"].Single());
        Assert.False(first.ContainsKey("X-Title"));
        Assert.Equal("Example", server.Server.LogEntries[1].RequestMessage.Headers!["X-Title"].Single());
    }

    // 37
    [Theory]
    [InlineData(new[] { "cli-agent", "ide-extension", "chat" }, "has 3 values; OpenRouter reads at most 2")]
    [InlineData(new[] { "CLI-Agent" }, "has 'CLI-Agent'; a category is lowercase")]
    [InlineData(new[] { "cli_agent" }, "has 'cli_agent'")]
    [InlineData(new[] { "-cli" }, "has '-cli'")]
    public void Three_categories_or_one_not_lowercase_hyphenated_fail_before_sending(string[] categories, string expected)
    {
        var provider = OpenRouter with { Attribution = new OpenRouterAttribution(Categories: categories) };

        var ex = Assert.Throws<ArgumentException>(() => new KimiClient(new KimiClientOptions { Provider = provider, ApiKey = "sk-or-v1-x" }));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Routing_on_a_host_that_takes_none_and_bad_routing_values_fail_at_start()
    {
        var onMoonshot = Assert.Throws<ArgumentException>(() => new KimiClient(new KimiClientOptions
        {
            Provider = KimiProvider.Moonshot with { Routing = OpenRouterRouting.PinMoonshot },
            ApiKey = "k",
        }));
        var badQuantization = Assert.Throws<ArgumentException>(() => new KimiClient(new KimiClientOptions
        {
            Provider = OpenRouter with { Routing = new OpenRouterRouting(Quantizations: ["fp7"], MaxPrice: new OpenRouterMaxPrice(Prompt: -1)) },
            ApiKey = "k",
        }));

        Assert.Contains("Routing, FallbackModels and Attribution are a router's settings (OpenRouter), and Moonshot takes none", onMoonshot.Message);
        Assert.Contains("Quantizations has 'fp7'", badQuantization.Message);
        Assert.Contains("MaxPrice:Prompt must not be negative", badQuantization.Message);
    }

    // 37: the recorded final chunk
    [Fact(Timeout = 10_000)]
    public async Task Usage_of_the_recorded_final_chunk_has_the_exact_cost_and_a_usage_without_cost_has_none()
    {
        var recorded = await StreamReplay.ReplayAsync(Sse.Frame(Fixture("openrouter-recorded-tool-call-duplicate-finish.sse")), OpenRouter, TestContext.Current.CancellationToken);
        var withoutCost = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
                """data: {"id":"gen-5","model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop","native_finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""",
                "data: [DONE]"),
            OpenRouter,
            TestContext.Current.CancellationToken);

        var usage = recorded.Completion.Usage!;
        Assert.Equal((67, 5, 72), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens));
        Assert.Equal(0, usage.CachedInputTokens);
        Assert.Equal(0, usage.CacheWriteTokens);
        Assert.Equal(0, usage.ReasoningTokens);
        Assert.Equal(0.00001305m, usage.Cost);
        Assert.Equal("0.00001305", usage.Cost!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)); // exact, not a double's 1.305E-05
        Assert.Equal(0.00001305m, usage.UpstreamCost);
        Assert.False(usage.IsByok);
        Assert.Null(withoutCost.Completion.Usage!.Cost);
        Assert.Null(withoutCost.Completion.Usage.IsByok);
    }

    // 37
    [Fact(Timeout = 10_000)]
    public async Task The_result_names_the_answering_model_the_upstream_and_the_generation_id()
    {
        using var server = RecordingServer.Start(Fixture("openrouter-tool-call-response.json"));
        using var client = server.Client(OpenRouter);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("moonshotai/kimi-k2.6-20260420", completion.Model);
        Assert.Equal("moonshotai/kimi-k2.6", client.Model);
        Assert.Equal("Moonshot AI", completion.UpstreamProvider);
        Assert.Equal("gen-1777491101-1pYb8Qpou2w58yiX4lxd", completion.Id);
        Assert.Equal("tool_calls", completion.NativeFinishReason);
        Assert.Equal(0.000245m, completion.Usage!.Cost);
    }

    // 37
    [Fact(Timeout = 10_000)]
    public async Task Without_a_body_id_the_generation_id_comes_from_the_X_Generation_Id_header()
    {
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
                """data: {"model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""",
                "data: [DONE]"),
            OpenRouter,
            [("X-Generation-Id", "gen-from-header-1")],
            TestContext.Current.CancellationToken);

        Assert.Equal("gen-from-header-1", result.Completion.Id);
        Assert.Equal("gen-from-header-1", result.Completion.RequestId);
    }

    [Fact]
    public void The_profile_is_built_in_with_its_endpoint_model_and_key_variable()
    {
        using var client = new KimiClient(new KimiClientOptions { Provider = KimiProvider.FromName("openrouter"), ApiKey = "sk-or-v1-x" });

        Assert.Same(KimiProvider.OpenRouter, KimiProvider.FromName("OpenRouter"));
        Assert.Contains(KimiProvider.OpenRouter, KimiProvider.BuiltIn);
        Assert.Equal(new Uri("https://openrouter.ai/api/v1"), client.Endpoint);
        Assert.Equal("moonshotai/kimi-k2.6", client.Model);
        Assert.Equal("OPENROUTER_API_KEY", KimiProvider.OpenRouter.ApiKeyVariable);
        Assert.Same(KimiThinkingSwitch.ReasoningObject, KimiProvider.OpenRouter.ThinkingSwitch);
    }
}
