using System.Net;
using Kimi.Client.Tests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Kimi.Client.Tests.Chat;

/// <summary>Non-streamed responses: recorded and constructed payloads from the spec, usage rules, request ids.</summary>
public class ChatCompletionResponseTests
{
    [Fact(Timeout = 10_000)]
    public async Task The_recorded_moonshot_response_keeps_empty_reasoning_and_counts_cached_tokens_once()
    {
        var completion = await CompleteAsync(Fixtures.Text("Chat/Fixtures/moonshot-response.json"), TestContext.Current.CancellationToken);

        Assert.Equal("IMAGE_OK", completion.Text);
        Assert.NotNull(completion.Reasoning);
        Assert.Equal(string.Empty, completion.Reasoning);
        Assert.Equal(new ReasoningOrigin("moonshot", "kimi-k2.6"), completion.ReasoningOrigin);
        Assert.Equal(FinishReason.Stop, completion.FinishReason);
        Assert.Equal("chatcmpl-6a8de8a98709c8ec9c4875ac", completion.Id);
        Assert.Equal("kimi-k2.6", completion.Model);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1787685033), completion.Created);
        Assert.Empty(completion.ToolCalls);
        Assert.False(completion.IsIncomplete);
        var usage = completion.Usage!;
        Assert.Equal((18, 5, 23, 6, 1), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.CachedInputTokens, usage.ReasoningTokens));
        Assert.Equal(4, usage.TextOutputTokens);
        Assert.Equal("IMAGE_OK", completion.ToString());
    }

    [Fact(Timeout = 10_000)]
    public async Task The_budget_exhaustion_length_response_is_a_result_with_reasoning_and_empty_text()
    {
        var completion = await CompleteAsync(Fixtures.Text("Chat/Fixtures/moonshot-length-budget-exhaustion.json"), TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, completion.Text);
        Assert.StartsWith("The user wants the ping tool called.", completion.Reasoning, StringComparison.Ordinal);
        Assert.Equal(FinishReason.Length, completion.FinishReason);
        Assert.Empty(completion.ToolCalls);
        Assert.Equal(31, completion.Usage!.ReasoningTokens);
        Assert.Equal(32, completion.Usage.OutputTokens);
        Assert.Equal(73, completion.Usage.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_deepinfra_constructed_response_parses()
    {
        var completion = await CompleteAsync(Fixtures.Text("Chat/Fixtures/deepinfra-response.json"), KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal("Paris.", completion.Text);
        Assert.Equal("Capital of France is Paris.", completion.Reasoning);
        Assert.Equal("moonshotai/Kimi-K2.6", completion.Model);
        Assert.Null(completion.Created);
        var usage = completion.Usage!;
        Assert.Equal((14, 12, 26, 0, 7), (usage.InputTokens, usage.OutputTokens, usage.TotalTokens, usage.CachedInputTokens, usage.ReasoningTokens));
        Assert.Equal(new ReasoningOrigin("deepinfra", "moonshotai/Kimi-K2.6"), completion.ReasoningOrigin);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_nvidia_constructed_response_parses()
    {
        var completion = await CompleteAsync(Fixtures.Text("Chat/Fixtures/nvidia-response.json"), KimiProvider.Nvidia, [("NVCF-REQID", "nvcf-42")], TestContext.Current.CancellationToken);

        Assert.Equal("9.9 is bigger.", completion.Text);
        Assert.Equal("Compare 9.11 and 9.90 …", completion.Reasoning);
        Assert.Equal("chatcmpl-…", completion.Id);
        Assert.Equal(FinishReason.Stop, completion.FinishReason);
        Assert.Equal((20, 95, 115), (completion.Usage!.InputTokens, completion.Usage.OutputTokens, completion.Usage.TotalTokens));
        Assert.Null(completion.Usage.ReasoningTokens); // not reported by the fixture: unknown, not 0
        Assert.Equal("nvcf-42", completion.RequestId);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Moonshot", "x-request-id", "req-m")]
    [InlineData("Moonshot", "x-trace-id", "trace-m")]
    [InlineData("DeepInfra", "x-request-id", "req-d")]
    [InlineData("Nvidia", "NVCF-REQID", "nvcf-n")]
    [InlineData("Nvidia", "Nvcf-Reqid", "nvcf-lower")]
    [InlineData("Vllm", "X-Request-Id", "req-v")]
    public async Task The_request_id_header_of_each_profile_is_captured_on_the_completion(string providerName, string header, string value)
    {
        var provider = KimiProvider.FromName(providerName);
        var completion = await CompleteAsync(Fixtures.Text("Chat/Fixtures/nvidia-response.json"), provider, [(header, value)], TestContext.Current.CancellationToken);

        Assert.Equal(value, completion.RequestId);
        Assert.Equal(value, completion.Response!.RequestId);
        Assert.Equal(HttpStatusCode.OK, completion.Response.StatusCode);
        Assert.True(completion.Response.Headers.Contains(header));
    }

    [Fact(Timeout = 10_000)]
    public async Task The_same_reasoning_under_both_names_in_one_message_is_used_once()
    {
        var completion = await CompleteAsync(
            """{"id":"b","choices":[{"index":0,"message":{"role":"assistant","content":"OK","reasoning":"Thinking.","reasoning_content":"Thinking."},"finish_reason":"stop"}]}""",
            KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("Thinking.", completion.Reasoning);
        Assert.Equal("OK", completion.Text);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("reasoning")]
    [InlineData("reasoning_content")]
    public async Task Either_reasoning_field_name_is_read_in_a_message(string field)
    {
        var completion = await CompleteAsync(
            $$"""{"id":"b","choices":[{"index":0,"message":{"role":"assistant","content":"9.9","{{field}}":"Compare."},"finish_reason":"stop"}]}""",
            KimiProvider.Vllm, TestContext.Current.CancellationToken);

        Assert.Equal("Compare.", completion.Reasoning);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_tool_call_message_is_assembled_with_ids_verbatim()
    {
        var completion = await CompleteAsync(
            """{"id":"t","object":"chat.completion","model":"kimi-k2.6","choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning_content":"Need both.","tool_calls":[{"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\": \"Paris\"}"}},{"id":"functions.get_time:1","type":"function","function":{"name":"get_time","arguments":"{\"zone\":"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}""", TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, completion.Text);
        Assert.Equal("Need both.", completion.Reasoning);
        Assert.Equal(2, completion.ToolCalls.Count);
        Assert.Equal(("get_weather_0", "get_weather", """{"city": "Paris"}"""), (completion.ToolCalls[0].Id, completion.ToolCalls[0].Name, completion.ToolCalls[0].Arguments));
        Assert.Null(completion.ToolCalls[0].ArgumentsError);
        Assert.Equal("functions.get_time:1", completion.ToolCalls[1].Id);
        Assert.NotNull(completion.ToolCalls[1].ArgumentsError);
        Assert.Equal(FinishReason.ToolCalls, completion.FinishReason);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("""{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110,"cached_tokens":90,"prompt_tokens_details":{"cached_tokens":90}}""", 90)]
    [InlineData("""{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110,"cached_tokens":80}""", 80)]
    [InlineData("""{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110,"prompt_tokens_details":{"cached_tokens":70}}""", 70)]
    [InlineData("""{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110,"prompt_tokens_details":null}""", null)] // not reported: unknown, not 0
    public async Task Cached_tokens_are_read_once_top_level_first(string usage, int? cached)
    {
        var completion = await CompleteAsync(
            $$"""{"id":"u","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],"usage":{{usage}}}""", TestContext.Current.CancellationToken);

        Assert.Equal(cached, completion.Usage!.CachedInputTokens);
        Assert.Equal(100, completion.Usage.InputTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task Reasoning_tokens_outside_completion_tokens_are_repaired_in_a_response()
    {
        var completion = await CompleteAsync(
            """{"id":"u","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":84,"completion_tokens_details":{"reasoning_tokens":1081}}}""",
            KimiProvider.DeepInfra, TestContext.Current.CancellationToken);

        Assert.Equal(1165, completion.Usage!.OutputTokens);
        Assert.Equal(84, completion.Usage.TextOutputTokens);
        Assert.Equal(1175, completion.Usage.TotalTokens);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("\"unexpected_state\"", "unexpected_state")]
    [InlineData("\"abort\"", "abort")]
    [InlineData("\"eos\"", "eos")]
    [InlineData("\"\"", "")]
    [InlineData("null", null)]
    public async Task Unknown_finish_reasons_in_a_response_are_kept(string json, string? expected)
    {
        var completion = await CompleteAsync(
            $$"""{"id":"f","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":{{json}}}]}""",
            KimiProvider.SGLang, [], TestContext.Current.CancellationToken);

        Assert.Equal(expected, completion.FinishReason?.Value);
        if (expected is not null)
        {
            Assert.False(completion.FinishReason!.Value.IsKnown);
        }
    }

    [Fact(Timeout = 10_000)]
    public async Task Unknown_fields_at_every_level_of_a_response_are_ignored()
    {
        var completion = await CompleteAsync(
            """{"x":{"y":[1,2,{"z":null}]},"id":"u","object":"chat.completion","system_fingerprint":null,"model":"kimi-k2.6","choices":[{"x_choice":1,"index":0,"logprobs":null,"message":{"x_msg":[],"role":"assistant","content":"OK","refusal":null,"annotations":[],"tool_calls":[]},"finish_reason":"stop","stop_reason":null}],"usage":{"x_u":{},"prompt_tokens":1,"completion_tokens":1,"total_tokens":2},"prompt_logprobs":null,"kv_transfer_params":null}""", TestContext.Current.CancellationToken);

        Assert.Equal("OK", completion.Text);
        Assert.Empty(completion.ToolCalls);
        Assert.Equal(2, completion.Usage!.TotalTokens);
    }

    [Fact(Timeout = 10_000)]
    public async Task A_response_without_usage_has_null_usage_and_empty_choices_give_empty_text()
    {
        var completion = await CompleteAsync("""{"id":"e","object":"chat.completion","choices":[]}""", TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, completion.Text);
        Assert.Null(completion.Reasoning);
        Assert.Null(completion.Usage);
        Assert.Null(completion.FinishReason);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("<html>Bad Gateway</html>")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"id\":\"x\",\"choices\":[")]
    public async Task A_success_body_that_is_not_a_chat_completion_is_a_format_error(string body)
    {
        var exception = await Assert.ThrowsAsync<KimiResponseFormatException>(() => CompleteAsync(body, KimiProvider.Moonshot, [("x-request-id", "req-bad")], TestContext.Current.CancellationToken));

        Assert.Contains("Moonshot", exception.Message, StringComparison.Ordinal);
        Assert.Equal("req-bad", exception.RequestId);
        Assert.DoesNotContain(TestClients.ApiKey, exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_error_envelope_with_status_200_is_a_typed_error()
    {
        var exception = await Assert.ThrowsAnyAsync<KimiApiException>(() =>
            CompleteAsync("""{"error":{"message":"The engine is currently overloaded, please try again later","type":"engine_overloaded_error"}}""", KimiProvider.Moonshot, [("x-request-id", "req-200")], TestContext.Current.CancellationToken));

        Assert.Equal("engine_overloaded_error", exception.Error.Type);
        Assert.Equal("req-200", exception.RequestId);
    }

    private static Task<ChatCompletion> CompleteAsync(string body, CancellationToken cancellationToken) =>
        CompleteAsync(body, KimiProvider.Moonshot, [], cancellationToken);

    private static Task<ChatCompletion> CompleteAsync(string body, KimiProvider provider, CancellationToken cancellationToken) =>
        CompleteAsync(body, provider, [], cancellationToken);

    private static async Task<ChatCompletion> CompleteAsync(
        string body, KimiProvider provider, (string Name, string Value)[] headers, CancellationToken cancellationToken)
    {
        using var server = WireMockServer.Start();
        var response = Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body);
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }

        server.Given(Request.Create().UsingPost()).RespondWith(response);
        using var client = TestClients.For(provider, server.Url!);
        return await client.CompleteAsync([KimiMessage.User("Hi")], cancellationToken: cancellationToken);
    }
}
