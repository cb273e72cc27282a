using System.Globalization;
using System.Text;
using Kimi.Client.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Chat;

/// <summary>
/// A non-streamed answer is built straight from its one parsed update, without an accumulator. The oracle is the accumulator
/// itself: the same JSON body sent to a streaming call (a host that ignored <c>"stream": true</c>) is folded by
/// <see cref="ChatCompletionAccumulator"/>; both completions must agree on every field the caller can read.
/// </summary>
public class WholeAnswerCompletionTests
{
    // Moonshot: usage inside the choice only, cached tokens at its top level (conformance 14).
    private const string ChoiceUsage =
        """
        {"id":"chatcmpl-choice-usage","object":"chat.completion","created":1787685033,"model":"kimi-k2.6",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Hello.","reasoning_content":"Say hello."},"finish_reason":"stop",
           "usage":{"prompt_tokens":19,"completion_tokens":7,"total_tokens":26,"cached_tokens":16}}]}
        """;

    // Usage both in the choice and at the top level: the top level wins (conformance 14–15).
    private const string TopAndChoiceUsage =
        """
        {"id":"chatcmpl-both-usage","object":"chat.completion","created":1787685034,"model":"kimi-k2.6",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Both."},"finish_reason":"stop",
           "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}],
         "usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42,
           "prompt_tokens_details":{"cached_tokens":24},"completion_tokens_details":{"reasoning_tokens":5}}}
        """;

    // Two tool calls, content null, reasoning, finish tool_calls.
    private const string ToolCalls =
        """
        {"id":"chatcmpl-tools","object":"chat.completion","created":1787685035,"model":"kimi-k2.6",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning_content":"Two lookups.",
           "tool_calls":[{"index":0,"id":"get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                         {"index":1,"id":"get_weather:1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}]},
           "finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":213,"completion_tokens":40,"total_tokens":253,"cached_tokens":0,"prompt_tokens_details":{"cached_tokens":0}}}
        """;

    // Fields the SDK does not read, kept by path; a null one is left out. Empty reasoning is still reasoning (conformance 3).
    private const string UnknownFields =
        """
        {"id":"chatcmpl-unknown","object":"chat.completion","created":1787685036,"model":"kimi-k2.6","system_fingerprint":"fpv0_8cab9aba",
         "service_tier":"default","choices":[{"index":0,"logprobs":{"content":[]},"finish_reason":"length",
           "message":{"role":"assistant","content":"Cut","reasoning_content":"","refusal":"no","annotations":null}}],
         "usage":{"prompt_tokens":5,"completion_tokens":9,"total_tokens":14}}
        """;

    // DeepInfra: reasoning under "reasoning", no created, no usage details.
    private const string ReasoningField =
        """
        {"id":"chatcmpl-di","object":"chat.completion","model":"moonshotai/Kimi-K2.6",
         "choices":[{"index":0,"message":{"role":"assistant","content":"","reasoning":"Think."},"finish_reason":"length"}],
         "usage":{"prompt_tokens":14,"completion_tokens":12,"total_tokens":26}}
        """;

    // Nothing but an empty message: no finish reason, no usage, no reasoning.
    private const string Bare =
        """
        {"id":"chatcmpl-bare","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":null}}]}
        """;

    // OpenRouter, no id in the body (the X-Generation-Id header stands in), upstream, native finish reason, cost.
    private const string OpenRouterText =
        """
        {"object":"chat.completion","created":1777491101,"model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI",
         "system_fingerprint":"fpv0_8cab9aba","choices":[{"index":0,"logprobs":null,"finish_reason":"stop","native_finish_reason":"stop",
           "message":{"role":"assistant","content":"Paris.","refusal":null,"reasoning":"Capital of France."}}],
         "usage":{"prompt_tokens":213,"completion_tokens":40,"total_tokens":253,"cost":0.000245,"is_byok":false,
           "prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},"completion_tokens_details":{"reasoning_tokens":14},
           "cost_details":{"upstream_inference_cost":0.000245}}}
        """;

    // OpenRouter's tool-call reply with reasoning_details (constructed from openrouter.md).
    private const string OpenRouterTools =
        """
        {"id":"gen-1777491101-1pYb8Qpou2w58yiX4lxd","object":"chat.completion","created":1777491101,
         "model":"moonshotai/kimi-k2.6-20260420","provider":"Moonshot AI","system_fingerprint":"fpv0_8cab9aba",
         "choices":[{"index":0,"logprobs":null,"finish_reason":"tool_calls","native_finish_reason":"tool_calls",
           "message":{"role":"assistant","content":"","refusal":null,
             "reasoning":"The user wants the weather in Paris. Call get_weather.",
             "reasoning_details":[{"type":"reasoning.text","text":"The user wants the weather in Paris. Call get_weather.","format":"unknown","index":0}],
             "tool_calls":[{"id":"get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}],
         "usage":{"prompt_tokens":213,"completion_tokens":40,"total_tokens":253,"cost":0.000245,"is_byok":false,
           "prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},
           "completion_tokens_details":{"reasoning_tokens":14},
           "cost_details":{"upstream_inference_cost":0.000245,"upstream_inference_prompt_cost":0.000117,"upstream_inference_completions_cost":0.000128}}}
        """;

    public static TheoryData<string, string> Answers => new()
    {
        { "Moonshot", Fixtures.Text("Chat/Fixtures/moonshot-response.json") },
        { "Moonshot", ChoiceUsage },
        { "Moonshot", TopAndChoiceUsage },
        { "Moonshot", ToolCalls },
        { "Moonshot", UnknownFields },
        { "DeepInfra", ReasoningField },
        { "Moonshot", Bare },
        { "OpenRouter", OpenRouterText },
        { "OpenRouter", OpenRouterTools },
    };

    [Theory(Timeout = 20_000)]
    [MemberData(nameof(Answers))]
    public async Task A_whole_answer_reads_as_the_accumulator_folds_the_same_body(string providerName, string body)
    {
        var provider = KimiProvider.FromName(providerName);
        var cancellationToken = TestContext.Current.CancellationToken;
        using var server = Serve(body, ("x-request-id", "req-whole"), ("x-generation-id", "gen-from-header"));
        using var client = TestClients.For(provider, server.Url!);

        var whole = await client.CompleteAsync([KimiMessage.User("Hi")], cancellationToken: cancellationToken);
        var stream = client.StreamAsync([KimiMessage.User("Hi")], cancellationToken: cancellationToken);
        await foreach (var update in stream.WithCancellation(cancellationToken))
        {
            _ = update;
        }

        var folded = stream.Completion!;
        Assert.Equal(Describe(folded), Describe(whole));
        Assert.NotEmpty(whole.Attempts);
    }

    [Fact(Timeout = 10_000)]
    public async Task Without_a_body_id_an_OpenRouter_answer_takes_the_generation_id_header_and_keeps_upstream_and_cost()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var server = Serve(OpenRouterText, ("x-generation-id", "gen-from-header"));
        using var client = TestClients.For(KimiProvider.OpenRouter, server.Url!);

        var completion = await client.CompleteAsync([KimiMessage.User("Hi")], cancellationToken: cancellationToken);

        Assert.Equal("gen-from-header", completion.Id);
        Assert.Equal("Paris.", completion.Text);
        Assert.Equal("Capital of France.", completion.Reasoning);
        Assert.Equal("Moonshot AI", completion.UpstreamProvider);
        Assert.Equal("Moonshot AI", completion.ReasoningOrigin!.Upstream);
        Assert.Equal("stop", completion.NativeFinishReason);
        Assert.Equal(0.000245m, completion.Usage!.Cost);
        Assert.Equal(0, completion.Usage.CacheWriteTokens);
        Assert.Equal("fpv0_8cab9aba", completion.AdditionalProperties!["system_fingerprint"].GetString());
    }

    [Fact(Timeout = 10_000)]
    public async Task A_whole_answer_with_unknown_fields_keeps_them_by_path_and_drops_null_ones()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var server = Serve(UnknownFields);
        using var client = TestClients.For(KimiProvider.Moonshot, server.Url!);

        var completion = await client.CompleteAsync([KimiMessage.User("Hi")], cancellationToken: cancellationToken);

        Assert.Equal(
            ["choices[0].logprobs", "choices[0].message.refusal", "service_tier", "system_fingerprint"],
            completion.AdditionalProperties!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(string.Empty, completion.Reasoning); // empty reasoning is reasoning (conformance 3), with its origin
        Assert.NotNull(completion.ReasoningOrigin);
        Assert.Equal(FinishReason.Length, completion.FinishReason);
    }

    /// <summary>Everything a caller can read from a completion, one line per field (attempts and headers aside: two calls differ there).</summary>
    private static string Describe(ChatCompletion completion)
    {
        var text = new StringBuilder();
        void Line(string name, object? value) => text.Append(name).Append(": ").Append(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "<null>").Append('\n');

        Line("Id", completion.Id);
        Line("Model", completion.Model);
        Line("Created", completion.Created);
        Line("Text", completion.Text);
        Line("PrefillText", completion.PrefillText);
        Line("Reasoning", completion.Reasoning is null ? null : $"[{completion.Reasoning}]");
        Line("FinishReason", completion.FinishReason);
        Line("NativeFinishReason", completion.NativeFinishReason);
        Line("UpstreamProvider", completion.UpstreamProvider);
        Line("ReasoningDetails", completion.ReasoningDetails?.GetRawText());
        Line("ReasoningOrigin", completion.ReasoningOrigin is { } origin ? $"{origin.Dialect}|{origin.Model}|{origin.Upstream}" : null);
        Line("RequestId", completion.RequestId);
        Line("Status", completion.Response?.StatusCode);
        Line("IsIncomplete", completion.IsIncomplete);
        Line("IsEmpty", completion.IsEmpty);
        Line("ToolCallsRecoveredFromText", completion.ToolCallsRecoveredFromText);
        Line("Warnings", string.Join(";", completion.Warnings.Select(static w => $"{w.Code}:{w.FinishReason}:{w.Message}")));
        foreach (var call in completion.ToolCalls)
        {
            Line("ToolCall", $"{call.Id}|{call.Type}|{call.Name}|{call.Arguments}|{call.ArgumentsError}");
        }

        Line("AdditionalProperties", completion.AdditionalProperties is null
            ? null
            : string.Join(";", completion.AdditionalProperties.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => $"{p.Key}={p.Value.GetRawText()}")));
        if (completion.Usage is { } usage)
        {
            Line("Usage", $"{usage.InputTokens}|{usage.OutputTokens}|{usage.TotalTokens}|{usage.CachedInputTokens}|{usage.ReasoningTokens}|" +
                $"{usage.TextOutputTokens}|{usage.CacheWriteTokens}|{usage.Cost}|{usage.UpstreamCost}|{usage.IsByok}");
        }
        else
        {
            Line("Usage", null);
        }

        return text.ToString();
    }

    private static WireMockServer Serve(string body, params (string Name, string Value)[] headers)
    {
        var server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        server.Given(Request.Create().UsingPost()).RespondWith(response);
        return server;
    }
}
