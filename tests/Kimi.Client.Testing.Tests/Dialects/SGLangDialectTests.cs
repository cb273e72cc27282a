using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

public sealed class SGLangDialectTests
{
    private static Task<EmulatorHarness> CreateAsync(Transport transport = Transport.InMemory) =>
        EmulatorHarness.CreateAsync(KimiProvider.SGLang, transport);

    [Fact(Timeout = 10000)]
    public async Task SGLang_reports_an_unknown_model_as_a_flat_error_object()
    {
        await using var harness = await CreateAsync();

        (int status, string body) = await harness.PostAsync("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(404, status);
        Assert.Equal("""{"object":"error","message":"The model 'kimi-k2.6' does not exist","type":"NotFoundError","param":null,"code":404}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task SGLang_requires_the_configured_key_with_a_flat_error_object()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { Provider = KimiProvider.SGLang, ApiKey = "k" });

        (int status, string body) = await harness.PostAsync("""{"messages":[{"role":"user","content":"Hi"}]}""", apiKey: null);

        Assert.Equal(401, status);
        Assert.Equal("""{"object":"error","message":"Unauthorized","type":"Unauthorized","param":null,"code":401}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task SGLang_writes_reasoning_content_and_top_level_reasoning_tokens()
    {
        await using var harness = await CreateAsync();
        harness.Emulator.Enqueue(new EmulatorReply { Text = "OK", Reasoning = "Fine.", PromptTokens = 4, CompletionTokens = 6, ReasoningTokens = 2, CachedTokens = 1 });

        (_, string body) = await harness.PostAsync("""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(
            """{"id":"chatcmpl-emu-0001","object":"chat.completion","created":1767225601,"model":"moonshotai/Kimi-K2.6","choices":[{"index":0,"message":{"role":"assistant","content":"OK","reasoning_content":"Fine."},"logprobs":null,"finish_reason":"stop","matched_stop":null}],"usage":{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10,"prompt_tokens_details":{"cached_tokens":1},"reasoning_tokens":2}}""",
            body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"reasoning_effort\":\"none\",", false)]
    [InlineData("\"chat_template_kwargs\":{\"thinking\":false},", false)]
    [InlineData("", true)]
    public async Task SGLang_turns_thinking_off_with_chat_template_kwargs_or_reasoning_effort_none(string thinkingSwitch, bool reasons)
    {
        await using var harness = await CreateAsync();

        JsonElement message = (await harness.CompleteAsync(
            $$"""{"model":"moonshotai/Kimi-K2.6",{{thinkingSwitch}}"messages":[{"role":"user","content":"Hi"}]}""")).At("choices.0.message");

        Assert.Equal(reasons, message.Has("reasoning_content"));
    }

    [Fact(Timeout = 10000)]
    public async Task SGLang_reports_context_overflow_as_a_flat_bad_request()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { Provider = KimiProvider.SGLang, ContextWindow = 8 });

        (int status, string body) = await harness.PostAsync("""{"model":"moonshotai/Kimi-K2.6","max_completion_tokens":4,"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(400, status);
        JsonElement error = EmulatorHarness.Parse(body);
        Assert.Equal("error", error.Str("object"));
        Assert.Equal("BadRequestError", error.Str("type"));
        Assert.Equal(400, error.Int("code"));
        Assert.StartsWith("Requested token count exceeds the model's maximum context length of 8 tokens.", error.Str("message"));
    }

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task SGLang_streams_reasoning_content_deltas_with_null_finish_reasons(Transport transport)
    {
        await using var harness = await CreateAsync(transport);

        List<string> events = await harness.StreamAsync("""{"model":"moonshotai/Kimi-K2.6","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        JsonElement first = EmulatorHarness.Parse(events[0]).At("choices.0");
        Assert.Equal("The", first.Str("delta.reasoning_content"));
        Assert.Equal(JsonValueKind.Null, first.At("finish_reason").ValueKind);
        Assert.Equal("stop", EmulatorHarness.Parse(events[^2]).Str("choices.0.finish_reason"));
        Assert.Equal("[DONE]", events[^1]);
    }
}
