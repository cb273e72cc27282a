using System.Text;
using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests.Processing;

/// <summary>cached_tokens is the part of the prompt that repeats the previous request of the same conversation.</summary>
public class PrefixCacheTests
{
    private const string Tools = """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";
    private const string Opening = """{"role":"system","content":"You are a weather assistant."},{"role":"user","content":"Weather in Paris and Lyon?"}""";
    private const string Turn = """{"role":"assistant","content":"","reasoning_content":"Paris first.","tool_calls":[{"id":"get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"get_weather:0","content":"Sunny in Paris"}""";

    private static string Body(string messages, string model = "kimi-k2.6") => $$"""{"model":"{{model}}","messages":[{{messages}}],"tools":{{Tools}}}""";

    private static int Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    [Theory(Timeout = 15_000)]
    [InlineData("Moonshot", Transport.InMemory)]
    [InlineData("DeepInfra", Transport.Loopback)]
    [InlineData("Vllm", Transport.InMemory)]
    public async Task A_follow_up_request_reports_the_repeated_prefix_as_cached_tokens(string providerName, Transport transport)
    {
        var provider = KimiProvider.FromName(providerName);
        await using var harness = await EmulatorHarness.CreateAsync(provider, transport);

        string model = harness.Emulator.Options.AcceptedModels[0];
        JsonElement first = await harness.CompleteAsync(Body(Opening, model));
        JsonElement second = await harness.CompleteAsync(Body(Opening + "," + Turn, model));

        Assert.Equal(0, Cached(first));
        // Tools JSON, then "[" + the opening messages: the previous prompt ended with "]" where this one goes on with ",".
        int shared = Bytes(Tools) + 1 + Bytes(Opening);
        Assert.Equal(shared / 4, Cached(second));
        Assert.Equal((Bytes($"[{Opening},{Turn}]") + 3) / 4 + (Bytes(Tools) + 3) / 4, second.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }

    [Fact(Timeout = 15_000)]
    public async Task Conversations_are_told_apart_by_their_opening_and_a_changed_message_ends_the_hit()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        string other = Opening.Replace("Paris and Lyon", "Oslo", StringComparison.Ordinal);

        await harness.CompleteAsync(Body(Opening + "," + Turn));
        JsonElement otherFirst = await harness.CompleteAsync(Body(other + "," + Turn));
        string edited = Turn.Replace("Paris first.", " ", StringComparison.Ordinal);
        JsonElement compacted = await harness.CompleteAsync(Body(Opening + "," + edited));

        Assert.Equal(0, Cached(otherFirst));
        string prefix = Tools + "[" + Opening + "," + """{"role":"assistant","content":"","reasoning_content":" """.TrimEnd();
        Assert.Equal(Bytes(prefix) / 4, Cached(compacted));
    }

    [Fact(Timeout = 15_000)]
    public async Task A_reply_that_sets_cached_tokens_wins_and_caching_can_be_switched_off()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { PrefixCaching = false });
        await harness.CompleteAsync(Body(Opening));
        Assert.Equal(0, Cached(await harness.CompleteAsync(Body(Opening + "," + Turn))));

        harness.Emulator.Options.PrefixCaching = true;
        harness.Emulator.Enqueue(new EmulatorReply { Text = "Hi.", CachedTokens = 7 });
        Assert.Equal(7, Cached(await harness.CompleteAsync(Body(Opening + "," + Turn))));
    }

    [Fact(Timeout = 15_000)]
    public async Task MaxRecordedRequests_keeps_only_the_newest_requests()
    {
        await using var harness = await EmulatorHarness.CreateAsync(new KimiEmulatorOptions { MaxRecordedRequests = 2 });
        for (int i = 0; i < 5; i++)
        {
            await harness.CompleteAsync(Body(Opening.Replace("Paris", "Paris" + i, StringComparison.Ordinal)));
        }

        Assert.Equal(["Weather in Paris3 and Lyon?", "Weather in Paris4 and Lyon?"], harness.Emulator.Requests.Select(r => r.LastUserText));
        // Ids keep counting every request, recorded or not.
        Assert.Equal("chatcmpl-emu-0006", (await harness.CompleteAsync(Body(Opening))).GetProperty("id").GetString()![..17]);
    }

    private static int Cached(JsonElement completion) =>
        completion.GetProperty("usage").TryGetProperty("prompt_tokens_details", out JsonElement details)
            ? details.GetProperty("cached_tokens").GetInt32()
            : completion.GetProperty("usage").TryGetProperty("cached_tokens", out JsonElement top) ? top.GetInt32() : 0;
}
