using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests;

public sealed class CommonRulesTests
{
    public static TheoryData<KimiProvider, string> Dialects => new()
    {
        { KimiProvider.Moonshot, "kimi-k2.6" },
        { KimiProvider.DeepInfra, "moonshotai/Kimi-K2.6" },
        { KimiProvider.Nvidia, "moonshotai/kimi-k2.6" },
        { KimiProvider.Vllm, "moonshotai/Kimi-K2.6" },
        { KimiProvider.SGLang, "moonshotai/Kimi-K2.6" },
    };

    [Theory(Timeout = 10000)]
    [MemberData(nameof(Dialects))]
    public async Task Every_dialect_rejects_extra_body_on_the_wire_and_explains_why(KimiProvider provider, string model)
    {
        await using var harness = await EmulatorHarness.CreateAsync(provider);

        (int status, string body) = await harness.PostAsync(
            $$$"""{"model":"{{{model}}}","extra_body":{"chat_template_kwargs":{"thinking":false}},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(400, status);
        Assert.Contains("'extra_body' was sent on the wire", body);
        Assert.Contains("real servers silently ignore it", body);
    }

    [Theory(Timeout = 10000)]
    [MemberData(nameof(Dialects))]
    public async Task Every_dialect_accepts_its_own_model_and_default_request(KimiProvider provider, string model)
    {
        await using var harness = await EmulatorHarness.CreateAsync(provider);

        var completion = await harness.CompleteAsync($$"""{"model":"{{model}}","messages":[{"role":"user","content":"Hello"}]}""");

        Assert.Equal(model, completion.Str("model"));
        Assert.Equal("Emulated Kimi answer: Hello", completion.Str("choices.0.message.content"));
    }

    [Theory(Timeout = 10000)]
    [MemberData(nameof(Dialects))]
    public async Task Every_dialect_ends_a_stream_with_a_finish_chunk_and_done(KimiProvider provider, string model)
    {
        await using var harness = await EmulatorHarness.CreateAsync(provider);

        List<string> events = await harness.StreamAsync($$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"Hello there"}]}""");

        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal("stop", EmulatorHarness.Parse(events[^2]).Str("choices.0.finish_reason"));
        Assert.Equal("assistant", EmulatorHarness.Parse(events[0]).Str("choices.0.delta.role"));
        string content = string.Concat(events.SkipLast(2).Select(e => EmulatorHarness.Parse(e).At("choices.0.delta"))
            .Where(d => d.Has("content")).Select(d => d.Str("content")));
        Assert.Equal("Emulated Kimi answer: Hello there", content);
    }

    [Fact(Timeout = 10000)]
    public async Task Accepted_models_can_be_replaced()
    {
        var options = new KimiEmulatorOptions { Provider = KimiProvider.Vllm };
        options.AcceptedModels.Add("my-kimi");
        await using var harness = await EmulatorHarness.CreateAsync(options);

        (int custom, _) = await harness.PostAsync("""{"model":"my-kimi","messages":[{"role":"user","content":"Hi"}]}""");
        (int original, _) = await harness.PostAsync("""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(200, custom);
        Assert.Equal(404, original);
    }

    [Fact(Timeout = 10000)]
    public async Task Default_reply_truncates_a_long_question()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        string question = string.Concat(Enumerable.Repeat("word ", 40));

        var message = (await harness.CompleteAsync($$"""{"model":"kimi-k2.6","messages":[{"role":"user","content":"{{question}}"}]}""")).At("choices.0.message");

        Assert.Equal("Emulated Kimi answer: " + question[..79] + "...", message.Str("content"));
        Assert.Equal("The user asked about \"" + question[..39] + "...\". I will answer briefly.", message.Str("reasoning_content"));
    }
}
