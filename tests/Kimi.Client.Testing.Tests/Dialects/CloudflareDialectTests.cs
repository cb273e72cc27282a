using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

/// <summary>The emulated Cloudflare Workers AI route (spec/cloudflare.md): account-scoped path, v4 error envelope, duplicate usage tail.</summary>
public sealed class CloudflareDialectTests
{
    private const string Account = "023e105f4ecef8ad9ca31a8372d0c353";
    private const string Hi = """{"role":"user","content":"Hi"}""";

    private static string Request(string fields = "\"max_completion_tokens\":2048,", string messages = Hi) =>
        $$"""{"model":"@cf/moonshotai/kimi-k2.6",{{fields}}"messages":[{{messages}}]}""";

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task The_route_is_account_scoped_and_another_account_is_a_7003(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.CloudflareWorkersAI, transport);
        var root = new Uri(harness.Emulator.BaseAddress.GetLeftPart(UriPartial.Authority));

        Assert.EndsWith($"/client/v4/accounts/{Account}/ai/v1", harness.Emulator.BaseAddress.AbsoluteUri);
        (int status, string body) = await harness.PostAsync(Request(), uri: new Uri(root, "/client/v4/accounts/cfut_0123/ai/v1/chat/completions"));
        (int ok, _) = await harness.PostAsync(Request());

        Assert.Equal(404, status);
        Assert.Equal(
            """{"result":null,"success":false,"errors":[{"code":7003,"message":"Could not route to /client/v4/accounts/cfut_0123/ai/v1/chat/completions, perhaps your object identifier is invalid?"}],"messages":[]}""",
            body);
        Assert.Equal(200, ok);
    }

    [Theory(Timeout = 10000)]
    [InlineData("", null, 401, 10000, "Authentication error")]
    [InlineData("\"max_completion_tokens\":2048,", "\"model\":\"moonshotai/kimi-k2.6\",", 400, 5007, "AiError: No such model moonshotai/kimi-k2.6 or task")]
    [InlineData("", "", 400, 8001, "Invalid input: the Kimi emulator requires max_completion_tokens")]
    [InlineData("\"max_completion_tokens\":2048,\"reasoning_effort\":\"max\",", "", 400, 5006, "Type mismatch of '/reasoning_effort'")]
    public async Task Errors_come_in_the_v4_envelope_with_their_codes(string fields, string? model, int status, int code, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.CloudflareWorkersAI);
        string json = model is { Length: > 0 } ? Request(fields).Replace("\"model\":\"@cf/moonshotai/kimi-k2.6\",", model, StringComparison.Ordinal) : Request(fields);

        (int actual, string body) = await harness.PostAsync(json, apiKey: model is null ? null : "token");

        Assert.Equal(status, actual);
        JsonElement envelope = EmulatorHarness.Parse(body);
        Assert.False(envelope.GetProperty("success").GetBoolean());
        Assert.Equal(JsonValueKind.Null, envelope.GetProperty("result").ValueKind);
        JsonElement error = Assert.Single(envelope.GetProperty("errors").EnumerateArray());
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        Assert.StartsWith(message, error.GetProperty("message").GetString());
    }

    [Fact(Timeout = 10000)]
    public async Task Null_content_is_a_type_mismatch_and_an_empty_string_is_fine()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.CloudflareWorkersAI);
        const string call = "\"tool_calls\":[{\"id\":\"functions.f:0\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]";

        (int status, string body) = await harness.PostAsync(Request(messages: $$$"""{{{Hi}}},{"role":"assistant","content":null,{{{call}}}},{"role":"tool","tool_call_id":"functions.f:0","content":"ok"}"""));
        await harness.CompleteAsync(Request(messages: $$$"""{{{Hi}}},{"role":"assistant","content":"",{{{call}}}},{"role":"tool","tool_call_id":"functions.f:0","content":"ok"}"""));

        Assert.Equal(400, status);
        Assert.Contains("Type mismatch of '/messages/1/content', 'string' not in 'null'", body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("{\"thinking\":false}", false)]
    [InlineData("{\"thinking\":false,\"enable_thinking\":false}", false)]
    [InlineData("{\"thinking\":true}", true)]
    public async Task Chat_template_kwargs_thinking_is_the_switch(string kwargs, bool reasons)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.CloudflareWorkersAI);
        harness.Emulator.Enqueue(EmulatorReply.FromText("Paris.", "Thinking."));

        JsonElement body = await harness.CompleteAsync(Request($"\"max_completion_tokens\":2048,\"chat_template_kwargs\":{kwargs},"));

        JsonElement message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(reasons, message.TryGetProperty("reasoning", out _));
        Assert.Equal("Paris.", message.GetProperty("content").GetString());
    }

    [Fact(Timeout = 10000)]
    public async Task Enable_thinking_alone_leaks_the_reasoning_into_content_as_on_vllm()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.CloudflareWorkersAI);
        harness.Emulator.Enqueue(EmulatorReply.FromText("Paris.", "Thinking."));

        JsonElement body = await harness.CompleteAsync(Request("\"max_completion_tokens\":2048,\"chat_template_kwargs\":{\"enable_thinking\":false},"));

        Assert.Equal("Thinking.</think>Paris.", body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact(Timeout = 10000)]
    public async Task A_stream_ends_with_a_duplicate_finish_chunk_whose_usage_lost_the_cached_tokens()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.CloudflareWorkersAI);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "ok", Reasoning = "r", PromptTokens = 14571, CompletionTokens = 3, CachedTokens = 14528 });

        List<string> events = await harness.StreamAsync(Request("\"max_completion_tokens\":2048,\"stream\":true,\"stream_options\":{\"include_usage\":true},"));

        Assert.Equal("[DONE]", events[^1]);
        JsonElement finish = EmulatorHarness.Parse(events[^3]);
        JsonElement copy = EmulatorHarness.Parse(events[^2]);
        Assert.Equal("stop", finish.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("stop", copy.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(14528, finish.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, copy.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(14571, copy.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal("r", EmulatorHarness.Parse(events[0]).GetProperty("choices")[0].GetProperty("delta").GetProperty("reasoning").GetString());
    }

    [Fact(Timeout = 10000)]
    public async Task Without_include_usage_the_stream_has_no_usage_but_still_the_duplicate_finish()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.CloudflareWorkersAI);

        List<string> events = await harness.StreamAsync(Request("\"max_completion_tokens\":2048,\"stream\":true,"));

        Assert.DoesNotContain(events, e => e.Contains("\"usage\""));
        Assert.Equal(2, events.Count(e => e.Contains("\"finish_reason\":\"stop\"")));
    }

    [Fact(Timeout = 10000)]
    public async Task Video_is_refused_and_an_image_url_is_passed()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.CloudflareWorkersAI);

        (int video, _) = await harness.PostAsync(Request(messages: """{"role":"user","content":[{"type":"video_url","video_url":{"url":"data:video/mp4;base64,AAAAGGZ0eXBpc29t"}}]}"""));
        (int image, _) = await harness.PostAsync(Request(messages: """{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}"""));

        Assert.Equal(400, video);
        Assert.Equal(200, image);
    }
}
