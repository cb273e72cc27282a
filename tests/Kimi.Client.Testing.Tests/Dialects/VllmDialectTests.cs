using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

public sealed class VllmDialectTests
{
    private const string Hello = """{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"Hi"}]}""";

    [Fact(Timeout = 10000)]
    public async Task Vllm_needs_no_key_unless_one_is_configured()
    {
        await using var open = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);
        await using var locked = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { Provider = KimiProvider.Vllm, ApiKey = "EMPTY-no-more" });

        (int openStatus, _) = await open.PostAsync(Hello, apiKey: null);
        (int lockedStatus, string body) = await locked.PostAsync(Hello, apiKey: "EMPTY");

        Assert.Equal(200, openStatus);
        Assert.Equal(401, lockedStatus);
        Assert.Equal("""{"error":{"message":"Unauthorized","type":"Unauthorized","param":null,"code":401}}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_answers_an_unknown_model_with_its_not_found_error()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);

        (int status, string body) = await harness.PostAsync("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(404, status);
        Assert.Equal("""{"error":{"message":"The model `kimi-k2.6` does not exist.","type":"NotFoundError","param":null,"code":404}}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_serves_its_model_when_the_request_names_none()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);

        JsonElement completion = await harness.CompleteAsync("""{"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal("moonshotai/Kimi-K2.6", completion.Str("model"));
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_writes_reasoning_as_reasoning_with_an_empty_tool_calls_list_and_a_request_id()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "9.9", Reasoning = "Compare.", PromptTokens = 20, CompletionTokens = 60, ReasoningTokens = 3 });

        using HttpResponseMessage response = await harness.SendAsync(Hello);
        string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.Equal("emu-req-0001", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.Equal(
            """{"id":"chatcmpl-emu-0001","created":1767225601,"model":"moonshotai/Kimi-K2.6","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"9.9","reasoning":"Compare.","tool_calls":[]},"logprobs":null,"finish_reason":"stop","stop_reason":null}],"usage":{"prompt_tokens":20,"completion_tokens":60,"total_tokens":80,"completion_tokens_details":{"reasoning_tokens":3}}}""",
            body);
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_stream_omits_finish_reason_until_the_finish_chunk()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "9.9", Reasoning = "Compare", PromptTokens = 20, CompletionTokens = 60, ReasoningTokens = 0 });

        List<string> events = await harness.StreamAsync(
            """{"model":"moonshotai/Kimi-K2.6","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Bigger?"}]}""");

        const string head = """{"id":"chatcmpl-emu-0001","created":1767225601,"model":"moonshotai/Kimi-K2.6","object":"chat.completion.chunk","choices":""";
        Assert.Equal(
        [
            head + """[{"index":0,"delta":{"role":"assistant","reasoning":"Compare"}}]}""",
            head + """[{"index":0,"delta":{"content":"9.9"}}]}""",
            head + """[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop","stop_reason":null}]}""",
            head + """[],"usage":{"prompt_tokens":20,"completion_tokens":60,"total_tokens":80}}""",
            "[DONE]",
        ], events);
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"chat_template_kwargs\":{\"thinking\":false},", false)]
    [InlineData("\"thinking\":{\"type\":\"disabled\"},", true)]
    [InlineData("\"reasoning_effort\":\"none\",", true)]
    public async Task Vllm_reads_thinking_from_chat_template_kwargs_and_ignores_other_switches(string thinkingSwitch, bool reasons)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);

        JsonElement message = (await harness.CompleteAsync(
            $$"""{"model":"moonshotai/Kimi-K2.6",{{thinkingSwitch}}"messages":[{"role":"user","content":"Hi"}]}""")).At("choices.0.message");

        Assert.Equal(reasons, message.Has("reasoning"));
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_leaks_reasoning_into_content_when_enable_thinking_is_false()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);
        harness.Emulator.Enqueue(EmulatorReply.FromText("Paris.", "Capital of France."));

        JsonElement message = (await harness.CompleteAsync(
            """{"model":"moonshotai/Kimi-K2.6","chat_template_kwargs":{"enable_thinking":false},"messages":[{"role":"user","content":"Hi"}]}""")).At("choices.0.message");

        Assert.Equal("Capital of France.</think>Paris.", message.Str("content"));
        Assert.False(message.Has("reasoning"));
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_rejects_a_non_boolean_thinking_switch()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);

        (int status, string body) = await harness.PostAsync(
            """{"model":"moonshotai/Kimi-K2.6","chat_template_kwargs":{"thinking":"no"},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(400, status);
        Assert.Equal("""{"error":{"message":"'chat_template_kwargs.thinking' must be a boolean","type":"BadRequestError","param":null,"code":400}}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_reports_context_overflow_with_its_recorded_message()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { Provider = KimiProvider.Vllm, ContextWindow = 32 });

        (int status, string body) = await harness.PostAsync("""{"model":"moonshotai/Kimi-K2.6","max_tokens":30,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(400, status);
        Assert.Equal(
            """{"error":{"message":"This model's maximum context length is 32 tokens. However, you requested 38 tokens (8 in the messages, 30 in the completion). Please reduce the length of the messages or completion.","type":"BadRequestError","param":null,"code":400}}""",
            body);
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_reports_a_malformed_message_as_a_bad_request()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);

        (int status, string body) = await harness.PostAsync("""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"wizard","content":"Hi"}]}""");

        Assert.Equal(400, status);
        Assert.Equal("""{"error":{"message":"messages[0] has an unknown role 'wizard'","type":"BadRequestError","param":null,"code":400}}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task Vllm_answers_a_wrong_path_with_not_found_in_its_error_shape()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Vllm);

        (int status, string body) = await harness.PostAsync(Hello, uri: new Uri("http://kimi-emulator.local/chat/completions"));

        Assert.Equal(404, status);
        Assert.Equal("""{"error":{"message":"Not Found: POST /chat/completions","type":"NotFoundError","param":null,"code":404}}""", body);
    }
}
