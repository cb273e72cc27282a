using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests;

public sealed class StreamFaultTests
{
    private static string Streamed(string model) =>
        $$"""{"model":"{{model}}","stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

    private static EmulatorReply Reply(EmulatorStreamFault fault) =>
        new() { Text = "Partial answer here", Reasoning = "Think", Fault = fault };

    [Fact(Timeout = 10000)]
    public async Task Moonshot_error_frame_ends_the_stream_without_done()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.ErrorFrame(2, "Stream failed")));

        List<string> events = await harness.StreamAsync(Streamed("kimi-k2.6"));

        Assert.Equal(3, events.Count);
        Assert.Equal("Partial", EmulatorHarness.Parse(events[1]).Str("choices.0.delta.content"));
        Assert.Equal("""{"error":{"message":"Stream failed","type":"server_error"}}""", events[2]);
    }

    [Fact(Timeout = 10000)]
    public async Task DeepInfra_error_frame_carries_the_error_as_a_json_string()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.DeepInfra);
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.ErrorFrame(1, "bad")));

        List<string> events = await harness.StreamAsync(Streamed("moonshotai/Kimi-K2.6"));

        Assert.Equal("""{"error_type":"validation_error","error_message":"{\"error\":{\"message\":\"bad\"}}"}""", events[^1]);
        Assert.Equal(2, events.Count);
    }

    [Theory(Timeout = 10000)]
    [InlineData("Vllm", """{"error":{"message":"Emulated stream failure","type":"InternalServerError","param":null,"code":500}}""")]
    [InlineData("SGLang", """{"object":"error","message":"Emulated stream failure","type":"InternalServerError","param":null,"code":500}""")]
    public async Task Self_hosted_error_frame_is_still_followed_by_done(string providerName, string frame)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.FromName(providerName));
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.ErrorFrame(1)));

        List<string> events = await harness.StreamAsync(Streamed("moonshotai/Kimi-K2.6"));

        Assert.Equal(3, events.Count);
        Assert.Equal(frame, events[1]);
        Assert.Equal("[DONE]", events[2]);
    }

    [Fact(Timeout = 10000)]
    public async Task Nvidia_error_frame_uses_the_error_envelope()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Nvidia);
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.ErrorFrame(0, "down")));

        List<string> events = await harness.StreamAsync(Streamed("moonshotai/kimi-k2.6"));

        Assert.Equal("down", Assert.Single(events) is { } frame ? EmulatorHarness.Parse(frame).Str("error.message") : null);
    }

    [Fact(Timeout = 10000)]
    public async Task Cut_in_memory_ends_the_content_stream_without_done()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.Cut(2)));

        List<string> events = await harness.StreamAsync(Streamed("kimi-k2.6"));

        Assert.Equal(2, events.Count);
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact(Timeout = 10000)]
    public async Task Cut_on_loopback_aborts_the_connection_after_the_chunks()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, Transport.Loopback);
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.Cut(2)));
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;

        using HttpResponseMessage response = await harness.SendAsync(Streamed("kimi-k2.6"), completion: HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var lines = new List<string>();
        IOException exception = await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                lines.Add(line);
            }
        });

        Assert.Equal(2, lines.Count(line => line.StartsWith("data: ", StringComparison.Ordinal)));
        Assert.NotNull(exception);
    }

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task Malformed_chunk_is_a_data_line_that_is_not_json_and_the_stream_goes_on(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, transport);
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.MalformedChunk(1)));

        List<string> events = await harness.StreamAsync(Streamed("kimi-k2.6"));

        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(events[1]).Dispose());
        Assert.StartsWith("{\"id\":\"chatcmpl-emu-0001\"", events[1]);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Equal("Partial answer here", string.Concat(events.Where((_, i) => i != 1).SkipLast(1)
            .Select(e => EmulatorHarness.Parse(e)).Where(e => e.At("choices").GetArrayLength() > 0)
            .Select(e => e.At("choices.0.delta")).Where(d => d.Has("content")).Select(d => d.Str("content"))));
    }

    [Fact(Timeout = 10000)]
    public async Task A_fault_larger_than_the_stream_happens_just_before_done()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.Cut(1000)));

        List<string> events = await harness.StreamAsync(Streamed("kimi-k2.6"));

        Assert.Equal("stop", EmulatorHarness.Parse(events[^1]).Str("choices.0.finish_reason"));
    }

    [Fact(Timeout = 10000)]
    public async Task A_fault_is_ignored_for_a_non_streamed_request()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(Reply(EmulatorStreamFault.Cut(0)));

        JsonElement completion = await harness.CompleteAsync("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.Equal("Partial answer here", completion.Str("choices.0.message.content"));
    }
}
