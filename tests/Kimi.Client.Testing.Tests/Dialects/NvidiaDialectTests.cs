using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

public sealed class NvidiaDialectTests
{
    private const string Hello = """{"model":"moonshotai/kimi-k2.6","messages":[{"role":"user","content":"Hi"}]}""";

    [Fact(Timeout = 10000)]
    public async Task Nvidia_rejects_a_missing_key_with_problem_details()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);

        (int status, string body) = await harness.PostAsync(Hello, apiKey: null);

        Assert.Equal(401, status);
        Assert.Equal("""{"status":401,"title":"Unauthorized"}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task Nvidia_answers_an_unknown_model_with_a_function_not_found_problem()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);

        (int status, string body) = await harness.PostAsync("""{"model":"moonshotai/Kimi-K2.6","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(404, status);
        JsonElement problem = EmulatorHarness.Parse(body);
        Assert.Equal(404, problem.Int("status"));
        Assert.Equal("Not Found", problem.Str("title"));
        Assert.Matches("^Function '[0-9a-f-]{36}': Not found for account '[^']+'$", problem.Str("detail"));
    }

    [Theory(Timeout = 10000)]
    [InlineData("0")]
    [InlineData("65537")]
    [InlineData("1.5")]
    public async Task Nvidia_rejects_max_tokens_outside_its_documented_range(string maxTokens)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);

        (int status, string body) = await harness.PostAsync($$"""{"model":"moonshotai/kimi-k2.6","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal(400, status);
        Assert.Equal(
            $$"""{"message":"Validation: 'max_tokens' must be an integer between 1 and 65536, got {{maxTokens}}","type":"Bad Request","code":400}""",
            body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("system", 0)]
    [InlineData("assistant", 1)]
    public async Task Nvidia_rejects_part_lists_in_system_and_assistant_messages(string role, int index)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);
        string list = """[{"type":"text","text":"x"}]""";
        string messages = role == "system"
            ? $$"""[{"role":"system","content":{{list}}},{"role":"user","content":"Hi"}]"""
            : $$"""[{"role":"user","content":"Hi"},{"role":"assistant","content":{{list}}},{"role":"user","content":"Again"}]""";

        (int status, string body) = await harness.PostAsync($$"""{"model":"moonshotai/kimi-k2.6","messages":{{messages}}}""");

        Assert.Equal(400, status);
        Assert.Equal(
            $$"""{"message":"Validation: messages[{{index}}]: the object list format is not supported for '{{role}}' message content; send a string","type":"Bad Request","code":400}""",
            body);
    }

    [Fact(Timeout = 10000)]
    public async Task Nvidia_accepts_part_lists_in_user_messages()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);

        (int status, _) = await harness.PostAsync(
            """{"model":"moonshotai/kimi-k2.6","max_tokens":65536,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}""");

        Assert.Equal(200, status);
    }

    [Fact(Timeout = 10000)]
    public async Task Nvidia_sends_its_request_id_header()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia, Transport.Loopback);

        using HttpResponseMessage response = await harness.SendAsync(Hello);

        Assert.Equal("emu-req-0001", Assert.Single(response.Headers.GetValues("NVCF-REQID")));
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"chat_template_kwargs\":{\"thinking\":false},", false)]
    [InlineData("\"chat_template_kwargs\":{\"thinking\":true,\"preserve_thinking\":true},", true)]
    [InlineData("\"thinking\":{\"type\":\"disabled\"},", true)]
    [InlineData("", true)]
    public async Task Nvidia_reads_thinking_from_chat_template_kwargs_only(string thinkingSwitch, bool reasons)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);

        JsonElement message = (await harness.CompleteAsync(
            $$"""{"model":"moonshotai/kimi-k2.6",{{thinkingSwitch}}"messages":[{"role":"user","content":"Hi"}]}""")).At("choices.0.message");

        Assert.Equal(reasons, message.Has("reasoning_content"));
    }

    [Fact(Timeout = 10000)]
    public async Task Nvidia_streams_usage_only_in_a_trailing_chunk_when_asked()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);
        const string request = """{"model":"moonshotai/kimi-k2.6","stream":true,STREAM_OPTIONS"messages":[{"role":"user","content":"Hi"}]}""";

        List<string> plain = await harness.StreamAsync(request.Replace("STREAM_OPTIONS", "", StringComparison.Ordinal));
        List<string> withUsage = await harness.StreamAsync(request.Replace("STREAM_OPTIONS", "\"stream_options\":{\"include_usage\":true},", StringComparison.Ordinal));

        Assert.DoesNotContain(plain, e => e.Contains("usage", StringComparison.Ordinal));
        Assert.Equal(plain.Count + 1, withUsage.Count);
        JsonElement trailing = EmulatorHarness.Parse(withUsage[^2]);
        Assert.Equal(0, trailing.At("choices").GetArrayLength());
        Assert.True(trailing.At("usage").Int("total_tokens") > 0);
        Assert.Equal(JsonValueKind.Null, EmulatorHarness.Parse(plain[0]).At("choices.0.finish_reason").ValueKind);
    }
}
