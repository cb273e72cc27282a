using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

/// <summary>
/// The emulated Ollama route (spec/ollama.md): what real Ollama drops silently, the emulator rejects with an explanation, so a
/// client that sends <c>max_completion_tokens</c>, <c>reasoning_content</c> or Moonshot's switch fails its test.
/// </summary>
public sealed class OllamaDialectTests
{
    private const string Hi = """{"role":"user","content":"Hi"}""";

    private static string Request(string fields = "", string messages = Hi, string model = "kimi-k2.6:cloud") =>
        $$"""{"model":"{{model}}",{{fields}}"messages":[{{messages}}]}""";

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task The_local_daemon_answers_without_a_key_with_reasoning_and_usage_without_details(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Ollama, transport);
        harness.Emulator.Enqueue(EmulatorReply.FromText("Paris.", "The capital of France is Paris."));

        JsonElement body = await harness.CompleteAsync(Request("\"max_tokens\":2048,"), apiKey: null);

        Assert.Equal("fp_ollama", body.GetProperty("system_fingerprint").GetString());
        JsonElement message = body.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal("Paris.", message.GetProperty("content").GetString());
        Assert.Equal("The capital of France is Paris.", message.GetProperty("reasoning").GetString());
        Assert.False(message.TryGetProperty("reasoning_content", out _));
        JsonElement usage = body.GetProperty("usage");
        Assert.Equal(["prompt_tokens", "completion_tokens", "total_tokens"], usage.EnumerateObject().Select(p => p.Name));
    }

    [Fact(Timeout = 10000)]
    public async Task Reasoning_effort_none_turns_thinking_off()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Ollama);
        harness.Emulator.Enqueue(EmulatorReply.FromText("Paris.", "hidden"));

        JsonElement body = await harness.CompleteAsync(Request("\"reasoning_effort\":\"none\","));

        Assert.False(body.GetProperty("choices")[0].GetProperty("message").TryGetProperty("reasoning", out _));
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"thinking\":{\"type\":\"disabled\"},", "'thinking' is not an Ollama request field")]
    [InlineData("\"chat_template_kwargs\":{\"thinking\":false},", "'chat_template_kwargs' is not an Ollama request field")]
    [InlineData("\"max_completion_tokens\":10,", "'max_completion_tokens' is not an Ollama request field: Ollama ignores it silently")]
    [InlineData("\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{}}}],", "'tool_choice' \\\"required\\\" is ignored by Ollama")]
    [InlineData("\"reasoning_effort\":\"none\",\"reasoning\":{\"effort\":\"high\"},", "both 'reasoning' and 'reasoning_effort' were sent")]
    [InlineData("\"reasoning_effort\":\"extreme\",", "invalid reasoning value: 'extreme' (must be \\\"high\\\", \\\"medium\\\", \\\"low\\\", \\\"max\\\", or \\\"none\\\")")]
    public async Task What_Ollama_drops_or_rejects_is_a_400_in_its_error_envelope(string fields, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Ollama);

        (int status, string body) = await harness.PostAsync(Request(fields));

        Assert.Equal(400, status);
        Assert.StartsWith("""{"error":{"message":""", body);
        Assert.Contains(message, body);
        Assert.EndsWith("\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}", body);
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"role":"assistant","content":"","reasoning_content":"R","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}""", "Ollama ignores 'reasoning_content'")]
    [InlineData("""{"role":"assistant","content":null}""", "invalid message content type: <nil>")]
    [InlineData("""{"role":"assistant"}""", "invalid message content type: <nil>")]
    [InlineData("""{"role":"assistant","content":[{"type":"text","text":"Paris."}],"reasoning":"R"}""", "drops the reasoning of an assistant message whose content is an array")]
    [InlineData("""{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}""", "invalid tool call arguments")]
    [InlineData("""{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":"}}]}""", "invalid tool call arguments")]
    public async Task Assistant_turns_follow_the_converter_rules(string assistant, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Ollama);

        (int status, string body) = await harness.PostAsync(Request(messages: $"{Hi},{assistant},{Hi}"));

        Assert.Equal(400, status);
        Assert.Contains(message, body);
    }

    [Fact(Timeout = 10000)]
    public async Task A_tool_call_turn_with_null_content_and_reasoning_is_accepted()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Ollama);

        await harness.CompleteAsync(Request(messages:
            $$$"""{{{Hi}}},{"role":"assistant","content":null,"reasoning":"R","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},{"role":"tool","tool_call_id":"call_1","content":"ok"}"""));
    }

    [Theory(Timeout = 10000)]
    [InlineData("""{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}""", "image URLs are not currently supported, please use base64 encoded data instead")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/gif;base64,R0lGODlh"}}""", "invalid image input")]
    [InlineData("""{"type":"video_url","video_url":{"url":"data:video/mp4;base64,AAAAGGZ0eXBpc29t"}}""", "invalid message format")]
    public async Task Media_other_than_inline_jpeg_png_or_webp_is_rejected(string part, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Ollama);

        (int status, string body) = await harness.PostAsync(Request(messages: $$"""{"role":"user","content":[{"type":"text","text":"What?"},{{part}}]}"""));

        Assert.Equal(400, status);
        Assert.Equal($$$"""{"error":{"message":"{{{message}}}","type":"invalid_request_error","param":null,"code":null}}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task A_png_data_url_is_accepted()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Ollama);

        await harness.CompleteAsync(Request(messages: """{"role":"user","content":[{"type":"text","text":"What?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]}"""));
    }

    [Fact(Timeout = 10000)]
    public async Task The_cloud_tag_is_unknown_on_ollama_com()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { Provider = KimiProvider.OllamaCloud, ApiKey = "ollama-key" });

        (int status, string body) = await harness.PostAsync(Request(), apiKey: "ollama-key");
        (int unauthorized, _) = await harness.PostAsync(Request(model: "kimi-k2.6"), apiKey: "wrong");

        Assert.Equal(404, status);
        Assert.Equal("""{"error":{"message":"model \"kimi-k2.6:cloud\" not found","type":"not_found_error","param":null,"code":null}}""", body);
        Assert.Equal(401, unauthorized);
    }

    [Fact(Timeout = 10000)]
    public async Task A_daemon_with_a_key_configured_answers_401_with_its_sign_in_url()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { Provider = KimiProvider.Ollama, ApiKey = "k" });

        (int status, string body) = await harness.PostAsync(Request(), apiKey: null);

        Assert.Equal(401, status);
        Assert.Equal("""{"error":"unauthorized","signin_url":"https://ollama.com/connect?name=kimi-emulator&key=emulator-public-key"}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task A_stream_splits_reasoning_from_content_sends_whole_tool_calls_with_index_0_and_usage_when_asked()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Ollama);
        harness.Emulator.Enqueue(EmulatorReply.FromToolCalls("Read both.", new EmulatorToolCall("read", """{"path":"a.cs"}"""), new EmulatorToolCall("read", """{"path":"b.cs"}""")));

        List<string> events = await harness.StreamAsync(Request("\"stream\":true,\"stream_options\":{\"include_usage\":true},"));

        Assert.Equal("[DONE]", events[^1]);
        JsonElement first = EmulatorHarness.Parse(events[0]).GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("", first.GetProperty("content").GetString());
        Assert.Equal("Read", first.GetProperty("reasoning").GetString());
        var calls = events.Where(e => e.Contains("\"tool_calls\":[")).Select(e => EmulatorHarness.Parse(e).GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0]).ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Equal(0, c.GetProperty("index").GetInt32()));
        Assert.Equal(["""{"path":"a.cs"}""", """{"path":"b.cs"}"""], calls.Select(c => c.GetProperty("function").GetProperty("arguments").GetString()));
        Assert.NotEqual(calls[0].GetProperty("id").GetString(), calls[1].GetProperty("id").GetString());
        Assert.Matches("^call_[0-9a-f]{8}$", calls[0].GetProperty("id").GetString());
        JsonElement usage = EmulatorHarness.Parse(events[^2]);
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        Assert.False(usage.GetProperty("usage").TryGetProperty("prompt_tokens_details", out _));
    }
}
