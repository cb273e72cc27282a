using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

/// <summary>The KTransformers dialect: a server without the Kimi parsers (vllm-sglang.md, KTransformers), on SGLang's wire shapes.</summary>
public sealed class KTransformersDialectTests
{
    private const string Request = """{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"Hi"}]}""";

    private static Task<EmulatorHarness> CreateAsync(Transport transport = Transport.InMemory) =>
        EmulatorHarness.CreateAsync(KimiProvider.KTransformers, transport);

    [Fact(Timeout = 10000)]
    public async Task KTransformers_puts_the_reasoning_inline_in_content_with_the_recorded_spacing_and_counts_no_reasoning_tokens()
    {
        await using var harness = await CreateAsync();
        harness.Emulator.Enqueue(new EmulatorReply { Text = "Hi! I'm Kimi.", Reasoning = "The user greets me.", PromptTokens = 4 });

        JsonElement body = await harness.CompleteAsync(Request);

        JsonElement message = body.At("choices.0.message");
        Assert.Equal(" The user greets me. </think> Hi! I'm Kimi.", message.Str("content"));
        Assert.False(message.Has("reasoning_content"));
        Assert.Equal("stop", body.Str("choices.0.finish_reason"));
        Assert.Equal(0, body.Int("usage.reasoning_tokens")); // the server does not know what was reasoning
        Assert.True(body.Int("usage.completion_tokens") > 0);
    }

    [Fact(Timeout = 10000)]
    public async Task KTransformers_with_thinking_off_writes_no_tags()
    {
        await using var harness = await CreateAsync();
        harness.Emulator.Enqueue(new EmulatorReply { Text = "Hi.", Reasoning = "Dropped." });

        JsonElement message = (await harness.CompleteAsync(
            """{"model":"moonshotai/Kimi-K2.6","chat_template_kwargs":{"thinking":false},"messages":[{"role":"user","content":"Hi"}]}""")).At("choices.0.message");

        Assert.Equal("Hi.", message.Str("content"));
    }

    [Fact(Timeout = 10000)]
    public async Task KTransformers_writes_tool_calls_as_a_text_section_and_finishes_with_stop()
    {
        await using var harness = await CreateAsync();
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Need the weather.", new EmulatorToolCall("get_weather", """{"city":"Paris"}""")));

        JsonElement body = await harness.CompleteAsync(Request);

        JsonElement message = body.At("choices.0.message");
        Assert.Equal(
            " Need the weather. </think> <|tool_calls_section_begin|> <|tool_call_begin|> functions.get_weather:0 <|tool_call_argument_begin|> {\"city\":\"Paris\"} <|tool_call_end|> <|tool_calls_section_end|>",
            message.Str("content"));
        Assert.False(message.Has("tool_calls"));
        Assert.Equal("stop", body.Str("choices.0.finish_reason"));
    }

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task KTransformers_streams_the_close_tag_cut_across_two_content_deltas(Transport transport)
    {
        await using var harness = await CreateAsync(transport);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "Paris.", Reasoning = "Capital of France." });

        List<string> events = await harness.StreamAsync("""{"model":"moonshotai/Kimi-K2.6","stream":true,"messages":[{"role":"user","content":"Hi"}]}""");

        var deltas = events.Where(e => e != "[DONE]").Select(e => EmulatorHarness.Parse(e).At("choices.0.delta")).ToList();
        Assert.All(deltas, d => Assert.False(d.Has("reasoning_content")));
        var pieces = deltas.Where(d => d.Has("content")).Select(d => d.Str("content")!).ToList();
        Assert.Equal(" Capital of France. </think> Paris.", string.Concat(pieces));
        Assert.DoesNotContain(pieces, p => p.Contains("</think>", StringComparison.Ordinal));
        int cut = pieces.FindIndex(p => p.EndsWith("</th", StringComparison.Ordinal));
        Assert.True(cut >= 0, string.Join("|", pieces));
        Assert.StartsWith("ink>", pieces[cut + 1], StringComparison.Ordinal);
        Assert.Equal("stop", EmulatorHarness.Parse(events[^2]).Str("choices.0.finish_reason"));
    }
}
