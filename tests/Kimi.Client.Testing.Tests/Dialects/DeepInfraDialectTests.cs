using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

public sealed class DeepInfraDialectTests
{
    private const string Hello = """{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"Hi"}]}""";

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task DeepInfra_answers_a_path_without_openai_with_an_empty_405(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra, transport);
        var root = new Uri(harness.Emulator.BaseAddress.GetLeftPart(UriPartial.Authority));

        (int status, string body) = await harness.PostAsync(Hello, uri: new Uri(root, "/v1/chat/completions"));
        (int ok, _) = await harness.PostAsync(Hello, uri: new Uri(root, "/v1/openai/chat/completions"));

        Assert.Equal(405, status);
        Assert.Equal("", body);
        Assert.Equal(200, ok);
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_rejects_a_missing_key_with_its_authentication_body()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);

        (int status, string body) = await harness.PostAsync(Hello, apiKey: null);

        Assert.Equal(401, status);
        Assert.Equal("""{"error":{"message":"Not authenticated","type":"invalid_request_error","param":null,"code":null}}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_reports_a_message_without_role_as_a_422_validation_detail()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);

        (int status, string body) = await harness.PostAsync(
            """{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Yo"},{"content":"no role"}]}""");

        Assert.Equal(422, status);
        Assert.Equal(
            """{"detail":[{"type":"union_tag_not_found","loc":["body","messages",2],"msg":"Unable to extract tag using discriminator 'role'","input":{"content":"no role"}}]}""",
            body);
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_reports_a_missing_model_as_a_422_validation_detail()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);

        (int status, string body) = await harness.PostAsync("""{"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(422, status);
        Assert.Equal("""{"detail":[{"type":"missing","loc":["body","model"],"msg":"Field required","input":{"messages":[{"role":"user","content":"Hi"}]}}]}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_rejects_both_thinking_switches_in_one_request()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);

        (int status, string body) = await harness.PostAsync(
            """{"model":"moonshotai/Kimi-K2.6","reasoning_effort":"none","chat_template_kwargs":{"thinking":false},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(400, status);
        Assert.StartsWith("""{"error":{"message":"Invalid request: both 'reasoning_effort'/'reasoning' and 'chat_template_kwargs.thinking' were sent.""", body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"reasoning_effort\":\"none\",", false)]
    [InlineData("\"reasoning\":{\"enabled\":false},", false)]
    [InlineData("\"chat_template_kwargs\":{\"thinking\":false},", false)]
    [InlineData("\"thinking\":{\"type\":\"disabled\"},", true)]
    [InlineData("", true)]
    public async Task DeepInfra_turns_thinking_off_with_either_of_its_switches(string thinkingSwitch, bool reasons)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);

        JsonElement message = (await harness.CompleteAsync(
            $$"""{"model":"moonshotai/Kimi-K2.6",{{thinkingSwitch}}"messages":[{"role":"user","content":"Hi"}]}""")).At("choices.0.message");

        Assert.Equal(reasons, message.Has("reasoning_content"));
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_rejects_an_unknown_model()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);

        (int status, string body) = await harness.PostAsync("""{"model":"moonshotai/Kimi-K2.5","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(404, status);
        Assert.Equal("""{"error":{"message":"Model is not available"}}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_answers_an_overlong_prompt_with_a_500()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { Provider = KimiProvider.DeepInfra, ContextWindow = 10 });
        string longText = new('x', 100);

        (int status, string body) = await harness.PostAsync($$"""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"{{longText}}"}]}""");

        // 130 bytes of messages JSON = 33 tokens.
        Assert.Equal(500, status);
        Assert.Equal("""{"error":{"message":"Requested input length 33 exceeds maximum input length 10"}}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_puts_top_level_usage_on_the_finish_chunk_without_being_asked()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "Paris.", Reasoning = "Capital.", PromptTokens = 10, CompletionTokens = 5, ReasoningTokens = 2 });

        List<string> events = await harness.StreamAsync("""{"model":"moonshotai/Kimi-K2.6","stream":true,"messages":[{"role":"user","content":"Capital of France?"}]}""");

        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal(
            """{"id":"chatcmpl-emu-0001","object":"chat.completion.chunk","created":1767225601,"model":"moonshotai/Kimi-K2.6","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":2}}}""",
            events[^2]);
        Assert.Equal("Capital.", EmulatorHarness.Parse(events[0]).Str("choices.0.delta.reasoning_content"));
        Assert.Equal("assistant", EmulatorHarness.Parse(events[0]).Str("choices.0.delta.role"));
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_writes_tool_call_ids_in_the_kimi_parser_form()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls(null, new EmulatorToolCall("add", """{"a":1}""")));

        JsonElement message = (await harness.CompleteAsync(Hello)).At("choices.0.message");

        Assert.Equal("functions.add:0", message.Str("tool_calls.0.id"));
        Assert.Equal(JsonValueKind.Null, message.At("content").ValueKind);
    }
}
