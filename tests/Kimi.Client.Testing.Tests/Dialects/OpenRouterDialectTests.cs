using System.Net.Http;
using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Dialects;

/// <summary>
/// The emulated OpenRouter route to the Moonshot AI upstream (spec/openrouter.md): the <c>reasoning</c> switch, reasoning as text
/// and details, the dated model slug and upstream in every chunk, keep-alive comments, the finish chunk sent twice with usage and
/// cost, in-band errors, and Moonshot's missing-reasoning 400 wrapped in <c>metadata.raw</c>, so a client that drops the reasoning
/// of a tool-call turn fails its test the way it fails in production.
/// </summary>
public sealed class OpenRouterDialectTests
{
    private const string Hi = """{"role":"user","content":"Hi"}""";
    private const string ToolCall = """{"id":"get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}""";

    private static string Request(string fields = "\"max_tokens\":2048,", string messages = Hi, string model = "moonshotai/kimi-k2.6") =>
        $$"""{"model":"{{model}}",{{fields}}"messages":[{{messages}}]}""";

    private static string ToolTurn(string reasoning) =>
        $$"""{{Hi}},{"role":"assistant","content":null{{reasoning}},"tool_calls":[{{ToolCall}}]},{"role":"tool","content":"Sunny","tool_call_id":"get_weather:0"}""";

    private static async Task<(string Raw, List<JsonElement> Chunks)> StreamAsync(EmulatorHarness harness, string json)
    {
        using HttpResponseMessage response = await harness.SendAsync(json, completion: HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        string raw = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var chunks = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e.StartsWith("data: {", StringComparison.Ordinal))
            .Select(e => EmulatorHarness.Parse(e["data: ".Length..]))
            .ToList();
        return (raw, chunks);
    }

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task A_whole_answer_names_the_dated_model_the_upstream_and_reasoning_twice_with_a_cost(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter, transport);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "Paris.", Reasoning = "Capital of France.", PromptTokens = 1000, CompletionTokens = 100, CachedTokens = 0 });

        JsonElement body = await harness.CompleteAsync(Request());

        Assert.Equal("moonshotai/kimi-k2.6-20260420", body.GetProperty("model").GetString());
        Assert.Equal("Moonshot AI", body.GetProperty("provider").GetString());
        Assert.StartsWith("gen-", body.GetProperty("id").GetString());
        JsonElement choice = body.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("native_finish_reason").GetString());
        JsonElement message = choice.GetProperty("message");
        Assert.Equal("Capital of France.", message.GetProperty("reasoning").GetString());
        Assert.Equal("""[{"type":"reasoning.text","text":"Capital of France.","format":"unknown","index":0}]""", message.GetProperty("reasoning_details").GetRawText());
        Assert.Equal(0.00087m, body.GetProperty("usage").GetProperty("cost").GetDecimal()); // 1000 × $0.55/M + 100 × $3.20/M
        Assert.False(body.GetProperty("usage").GetProperty("is_byok").GetBoolean());
    }

    [Fact(Timeout = 10000)]
    public async Task A_stream_starts_with_comments_and_repeats_the_finish_chunk_with_the_usage()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);
        harness.Emulator.Enqueue(EmulatorReply.FromText("Paris.", "Think."));

        (string raw, List<JsonElement> chunks) = await StreamAsync(harness, Request("\"max_tokens\":2048,\"stream\":true,"));

        Assert.StartsWith(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: ", raw);
        Assert.EndsWith("data: [DONE]\n\n", raw);
        var finishes = chunks.Where(c => c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String).ToList();
        Assert.Equal(2, finishes.Count);
        Assert.False(finishes[0].TryGetProperty("usage", out _));
        Assert.True(finishes[1].GetProperty("usage").TryGetProperty("cost", out _));
        Assert.All(chunks, c => Assert.Equal("Moonshot AI", c.GetProperty("provider").GetString()));
        JsonElement first = chunks[0].GetProperty("choices")[0].GetProperty("delta");
        Assert.Equal("Think.", first.GetProperty("reasoning").GetString());
        Assert.Equal("Think.", first.GetProperty("reasoning_details")[0].GetProperty("text").GetString());
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"reasoning\":{\"effort\":\"none\"},", false)]
    [InlineData("\"reasoning\":{\"enabled\":false},", false)]
    [InlineData("\"reasoning\":{\"enabled\":true},", true)]
    [InlineData("", true)]
    public async Task The_reasoning_object_switches_thinking(string reasoning, bool on)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);
        harness.Emulator.Enqueue(EmulatorReply.FromText("Paris.", "Think."));

        JsonElement body = await harness.CompleteAsync(Request(reasoning + "\"max_tokens\":2048,"));

        Assert.Equal(on, body.GetProperty("choices")[0].GetProperty("message").TryGetProperty("reasoning", out _));
    }

    [Theory(Timeout = 10000)]
    [InlineData("\"thinking\":{\"type\":\"disabled\"},", "'thinking' is not an OpenRouter parameter")]
    [InlineData("\"chat_template_kwargs\":{\"thinking\":false},", "'chat_template_kwargs' is not an OpenRouter parameter")]
    [InlineData("\"include_reasoning\":false,", "'include_reasoning' is not an OpenRouter parameter")]
    [InlineData("\"reasoning_effort\":\"high\",", "Kimi K2.6 on OpenRouter has no effort levels")]
    [InlineData("\"reasoning\":{\"effort\":\"high\"},", "Kimi K2.6 is on/off only")]
    [InlineData("\"reasoning\":{\"max_tokens\":2000},", "takes no reasoning budget")]
    [InlineData("\"provider\":{\"only\":[\"moonshotai\"],\"speed\":\"fast\"},", "provider.speed is not a provider preference")]
    [InlineData("\"provider\":{\"max_price\":{\"prompt\":1}},", "provider.max_price.prompt must be a string")]
    [InlineData("\"session_id\":7,", "session_id must be a string")]
    public async Task What_OpenRouter_ignores_or_forbids_is_a_400_in_its_envelope(string fields, string message)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);

        (int status, string body) = await harness.PostAsync(Request(fields + "\"max_tokens\":2048,"));

        Assert.Equal(400, status);
        Assert.StartsWith("""{"error":{"message":""", body);
        Assert.Contains(message, body);
        Assert.EndsWith(""","code":400},"user_id":"user_emulator"}""", body);
    }

    [Fact(Timeout = 10000)]
    public async Task A_request_without_an_output_cap_gets_the_credit_check_402()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);

        (int status, string body) = await harness.PostAsync(Request(string.Empty));

        Assert.Equal(402, status);
        Assert.Contains("This request requires more credits, or fewer max_tokens.", body);
        Assert.DoesNotContain(harness.Emulator.Requests, r => r.Json.TryGetProperty("max_tokens", out _));
    }

    [Theory(Timeout = 10000)]
    [InlineData("")]
    [InlineData(",\"reasoning\":\"\"")]
    [InlineData(",\"reasoning_content\":\"\"")]
    [InlineData(",\"reasoning_details\":[]")]
    public async Task A_tool_turn_without_reasoning_is_Moonshots_400_wrapped_by_OpenRouter(string reasoning)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);

        (int status, string body) = await harness.PostAsync(Request(messages: ToolTurn(reasoning)));

        Assert.Equal(400, status);
        JsonElement error = EmulatorHarness.Parse(body).GetProperty("error");
        Assert.Equal("Provider returned error", error.GetProperty("message").GetString());
        Assert.Equal("Moonshot AI", error.GetProperty("metadata").GetProperty("provider_name").GetString());
        JsonElement raw = EmulatorHarness.Parse(error.GetProperty("metadata").GetProperty("raw").GetString()!);
        Assert.Equal("thinking is enabled but reasoning_content is missing in assistant tool call message at index 1", raw.GetProperty("error").GetProperty("message").GetString());
    }

    [Theory(Timeout = 10000)]
    [InlineData(",\"reasoning\":\"R\"")]
    [InlineData(",\"reasoning_content\":\" \"")]
    [InlineData(",\"reasoning\":\"R\",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":\"R\"}]")]
    [InlineData(",\"reasoning_details\":[{\"type\":\"reasoning.encrypted\",\"data\":\"x\"}]")]
    public async Task A_tool_turn_with_reasoning_in_any_accepted_form_passes_and_thinking_off_needs_none(string reasoning)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);

        JsonElement withReasoning = await harness.CompleteAsync(Request(messages: ToolTurn(reasoning)));
        JsonElement thinkingOff = await harness.CompleteAsync(Request("\"reasoning\":{\"effort\":\"none\"},\"max_tokens\":2048,", ToolTurn(string.Empty)));

        Assert.Equal(JsonValueKind.Object, withReasoning.ValueKind);
        Assert.Equal(JsonValueKind.Object, thinkingOff.ValueKind);
    }

    [Fact(Timeout = 10000)]
    public async Task A_developer_role_fails_upstream_with_tokenization_failed()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);

        (int status, string body) = await harness.PostAsync(Request(messages: """{"role":"developer","content":"Be brief."},""" + Hi));

        Assert.Equal(400, status);
        Assert.Contains("Invalid request: tokenization failed", body);
    }

    [Fact(Timeout = 10000)]
    public async Task An_error_frame_fault_is_the_in_band_error_chunk_with_a_choice_ending_error()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "Partial answer here", Fault = EmulatorStreamFault.ErrorFrame(1, "upstream connect error") });

        (string raw, List<JsonElement> chunks) = await StreamAsync(harness, Request("\"max_tokens\":2048,\"stream\":true,"));

        JsonElement error = chunks[^1];
        Assert.Equal(502, error.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("upstream connect error", error.GetProperty("error").GetProperty("metadata").GetProperty("raw").GetString());
        Assert.Equal("provider_unavailable", error.GetProperty("error").GetProperty("metadata").GetProperty("error_type").GetString());
        Assert.Equal("error", error.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal("moonshotai/kimi-k2.6-20260420", error.GetProperty("model").GetString());
        Assert.EndsWith("data: [DONE]\n\n", raw);
    }

    [Fact(Timeout = 10000)]
    public async Task Unknown_keys_and_models_use_OpenRouters_messages()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.OpenRouter);

        (int unauthorized, string noKey) = await harness.PostAsync(Request(), apiKey: null);
        (int unknown, string model) = await harness.PostAsync(Request(model: "moonshotai/kimi-k9"));

        Assert.Equal(401, unauthorized);
        Assert.Contains("No auth credentials found", noKey);
        Assert.Equal(400, unknown);
        Assert.Contains("moonshotai/kimi-k9 is not a valid model ID", model);
    }
}
