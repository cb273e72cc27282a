using System.Diagnostics;
using System.Text.Json;
using Kimi.Client.Testing;

namespace Kimi.Client.Testing.Tests;

public sealed class KimiEmulatorTests
{
    private const string Hello = """{"model":"kimi-k2.6","messages":[{"role":"user","content":"Why is 1+1=2?"}]}""";

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task Default_reply_echoes_the_last_user_message_with_reasoning(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, transport);

        JsonElement completion = await harness.CompleteAsync(Hello);

        Assert.Equal("chatcmpl-emu-0001", completion.Str("id"));
        Assert.Equal("chat.completion", completion.Str("object"));
        Assert.Equal("kimi-k2.6", completion.Str("model"));
        Assert.Equal("assistant", completion.Str("choices.0.message.role"));
        Assert.Equal("Emulated Kimi answer: Why is 1+1=2?", completion.Str("choices.0.message.content"));
        Assert.Equal("The user asked about \"Why is 1+1=2?\". I will answer briefly.", completion.Str("choices.0.message.reasoning_content"));
        Assert.Equal("stop", completion.Str("choices.0.finish_reason"));
    }

    [Fact(Timeout = 10000)]
    public async Task Both_transports_send_byte_identical_bodies_and_headers()
    {
        await using var memory = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        await using var loopback = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, Transport.Loopback);

        using HttpResponseMessage fromMemory = await memory.SendAsync(Hello);
        using HttpResponseMessage fromLoopback = await loopback.SendAsync(Hello);

        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        Assert.Equal(await fromMemory.Content.ReadAsStringAsync(cancellationToken), await fromLoopback.Content.ReadAsStringAsync(cancellationToken));
        Assert.Equal("emu-req-0001", Assert.Single(fromMemory.Headers.GetValues("x-request-id")));
        Assert.Equal("emu-req-0001", Assert.Single(fromLoopback.Headers.GetValues("x-request-id")));
        Assert.Equal("application/json", fromLoopback.Content.Headers.ContentType?.MediaType);
    }

    [Fact(Timeout = 10000)]
    public async Task Base_address_is_the_dialect_base_in_memory_and_the_loopback_one_after_start()
    {
        await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.DeepInfra });
        Assert.Equal("http://kimi-emulator.local/v1/openai", emulator.BaseAddress.ToString());

        Uri started = await emulator.StartAsync(TestContext.Current.CancellationToken);

        Assert.Equal(started, emulator.BaseAddress);
        Assert.Equal("127.0.0.1", started.Host);
        Assert.NotEqual(0, started.Port);
        Assert.Equal("/v1/openai", started.AbsolutePath);
        Assert.Equal(started, await emulator.StartAsync(TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10000)]
    public async Task Accepted_models_default_to_the_dialect_model_id()
    {
        string[] expected = ["kimi-k2.6", "moonshotai/Kimi-K2.6", "moonshotai/kimi-k2.6", "moonshotai/Kimi-K2.6", "moonshotai/Kimi-K2.6"];
        KimiProvider[] dialects =
        [
            KimiProvider.Moonshot,
            KimiProvider.DeepInfra,
            KimiProvider.Nvidia,
            KimiProvider.Vllm,
            KimiProvider.SGLang,
        ];

        for (int i = 0; i < dialects.Length; i++)
        {
            await using var emulator = new KimiEmulator(new KimiEmulatorOptions { Provider = dialects[i] });
            Assert.Equal(expected[i], Assert.Single(emulator.Options.AcceptedModels));
        }
    }

    [Fact(Timeout = 10000)]
    public async Task Requests_are_recorded_in_order_with_method_path_headers_and_body()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        const string streamed = """{"model":"kimi-k2.6","stream":true,"messages":[{"role":"user","content":"Second"}]}""";

        await harness.PostAsync(Hello);
        await harness.StreamAsync(streamed);
        await harness.PostAsync(Hello, uri: new Uri(harness.Emulator.BaseAddress + "/models"));

        IReadOnlyList<EmulatorRequest> requests = harness.Emulator.Requests;
        Assert.Equal(3, requests.Count);
        Assert.Equal("POST", requests[0].Method);
        Assert.Equal("/v1/chat/completions", requests[0].Path);
        Assert.Equal(Hello, requests[0].Body);
        Assert.Equal("Bearer sk-test", requests[0].Headers["authorization"]);
        Assert.StartsWith("application/json", requests[0].Headers["Content-Type"]);
        Assert.Equal("kimi-k2.6", requests[0].Model);
        Assert.False(requests[0].Stream);
        Assert.Equal("Why is 1+1=2?", requests[0].LastUserText);
        Assert.Equal(JsonValueKind.Array, requests[0].Json.GetProperty("messages").ValueKind);
        Assert.True(requests[1].Stream);
        Assert.Equal("Second", requests[1].LastUserText);
        Assert.Equal("/v1/models", requests[2].Path);
    }

    [Fact(Timeout = 10000)]
    public async Task A_body_that_is_not_json_is_recorded_with_an_undefined_json_element()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);

        (int status, string body) = await harness.PostAsync("not json");

        Assert.Equal(400, status);
        Assert.Equal("""{"error":{"message":"Invalid request: the body is not valid JSON (the body is not JSON)","type":"invalid_request_error"}}""", body);
        Assert.Equal(JsonValueKind.Undefined, Assert.Single(harness.Emulator.Requests).Json.ValueKind);
    }

    [Fact(Timeout = 10000)]
    public async Task Scripted_replies_are_used_in_order_then_the_responder_then_the_default()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromText("first", "think one"));
        harness.Emulator.Enqueue(EmulatorReply.FromText("second"));
        harness.Emulator.Responder = request => request.LastUserText == "Why is 1+1=2?" ? EmulatorReply.FromText("from responder") : null;

        string[] answers = new string[4];
        for (int i = 0; i < 3; i++)
        {
            answers[i] = (await harness.CompleteAsync(Hello)).Str("choices.0.message.content")!;
        }

        answers[3] = (await harness.CompleteAsync("""{"model":"kimi-k2.6","messages":[{"role":"user","content":"Other"}]}""")).Str("choices.0.message.content")!;

        Assert.Equal(["first", "second", "from responder", "Emulated Kimi answer: Other"], answers);
    }

    [Fact(Timeout = 10000)]
    public async Task A_rejected_request_does_not_consume_a_scripted_reply()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Enqueue(EmulatorReply.FromText("kept"));

        (int status, _) = await harness.PostAsync("""{"model":"kimi-k2.5","messages":[{"role":"user","content":"Hi"}]}""");
        JsonElement completion = await harness.CompleteAsync(Hello);

        Assert.Equal(404, status);
        Assert.Equal("kept", completion.Str("choices.0.message.content"));
    }

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task An_error_reply_is_sent_verbatim_with_its_status_and_headers(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, transport);
        const string body = """{"error":{"message":"The engine is currently overloaded, please try again later","type":"engine_overloaded_error"}}""";
        EmulatorReply reply = EmulatorReply.Error(429, body);
        reply.Headers["Retry-After"] = "3";
        harness.Emulator.Enqueue(reply);

        using HttpResponseMessage response = await harness.SendAsync(Hello);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal(body, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("3", Assert.Single(response.Headers.GetValues("Retry-After")));
        Assert.Equal("emu-req-0001", Assert.Single(response.Headers.GetValues("x-request-id")));
    }

    [Fact(Timeout = 10000)]
    public async Task Reply_headers_replace_the_emulator_request_id()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        EmulatorReply reply = EmulatorReply.FromText("ok");
        reply.Headers["X-Request-Id"] = "custom";
        harness.Emulator.Enqueue(reply);

        using HttpResponseMessage response = await harness.SendAsync(Hello);

        Assert.Equal("custom", Assert.Single(response.Headers.GetValues("x-request-id")));
    }

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task Reply_delay_holds_back_the_response_headers(Transport transport)
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, transport);
        harness.Emulator.Enqueue(new EmulatorReply { Text = "late", Delay = TimeSpan.FromMilliseconds(300) });

        var stopwatch = Stopwatch.StartNew();
        using HttpResponseMessage response = await harness.SendAsync(Hello, completion: HttpCompletionOption.ResponseHeadersRead);

        Assert.True(stopwatch.ElapsedMilliseconds >= 250, $"Headers arrived after {stopwatch.ElapsedMilliseconds} ms.");
    }

    [Theory(Timeout = 20000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task Requests_in_flight_are_counted_until_their_answer_is_written_and_the_most_at_once_is_kept(Transport transport)
    {
        var options = new KimiEmulatorOptions { ChunkDelay = TimeSpan.FromMilliseconds(400) }; // the stream below lasts seconds
        await using var harness = await EmulatorHarness.CreateAsync(options, transport);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        for (int i = 0; i < 3; i++)
        {
            harness.Emulator.Enqueue(new EmulatorReply { Text = "late", Delay = TimeSpan.FromSeconds(2) });
        }

        Assert.Equal((0, 0), (harness.Emulator.RequestsInFlight, harness.Emulator.MaxRequestsInFlight));
        Task<(int Status, string Body)>[] held = [.. Enumerable.Range(0, 3).Select(_ => harness.PostAsync(Hello))];
        await WaitUntilAsync(() => harness.Emulator.RequestsInFlight == 3, cancellationToken);
        Assert.All(await Task.WhenAll(held), answer => Assert.Equal(200, answer.Status));
        await WaitUntilAsync(() => harness.Emulator.RequestsInFlight == 0, cancellationToken);

        // A stream is served until its last event is written, not only until its headers.
        harness.Emulator.Enqueue(EmulatorReply.FromText("one two three four"));
        using HttpResponseMessage response = await harness.SendAsync(
            """{"model":"kimi-k2.6","stream":true,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"Hi"}]}""",
            completion: HttpCompletionOption.ResponseHeadersRead);
        int whileStreaming = harness.Emulator.RequestsInFlight;
        string events = await response.Content.ReadAsStringAsync(cancellationToken);
        await WaitUntilAsync(() => harness.Emulator.RequestsInFlight == 0, cancellationToken);

        Assert.Equal(1, whileStreaming);
        Assert.EndsWith("data: [DONE]\n\n", events);
        Assert.Equal(3, harness.Emulator.MaxRequestsInFlight);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    [Theory(Timeout = 10000)]
    [InlineData(Transport.InMemory)]
    [InlineData(Transport.Loopback)]
    public async Task Chunk_delay_is_observable_by_a_streaming_reader(Transport transport)
    {
        var options = new KimiEmulatorOptions { ChunkDelay = TimeSpan.FromMilliseconds(150) };
        await using var harness = await EmulatorHarness.CreateAsync(options, transport);
        harness.Emulator.Enqueue(EmulatorReply.FromText("one two"));
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;

        using HttpResponseMessage response = await harness.SendAsync(
            """{"model":"kimi-k2.6","stream":true,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"Hi"}]}""",
            completion: HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        var stopwatch = Stopwatch.StartNew();
        string? first = await reader.ReadLineAsync(cancellationToken);
        long firstAt = stopwatch.ElapsedMilliseconds;
        string rest = await reader.ReadToEndAsync(cancellationToken);
        long endAt = stopwatch.ElapsedMilliseconds;

        // Events: "one", " two", finish, [DONE]; three pauses of 150 ms follow the first event.
        Assert.Contains("\"content\":\"one\"", first);
        Assert.EndsWith("data: [DONE]\n\n", rest);
        Assert.True(firstAt < 150, $"The first event took {firstAt} ms.");
        Assert.True(endAt - firstAt >= 400, $"The rest took {endAt - firstAt} ms.");
    }

    [Fact(Timeout = 10000)]
    public async Task Reading_a_stream_in_memory_ends_cleanly_when_the_reader_stops_early()
    {
        var options = new KimiEmulatorOptions { ChunkDelay = TimeSpan.FromMilliseconds(50) };
        await using var harness = await EmulatorHarness.CreateAsync(options);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;

        using (HttpResponseMessage response = await harness.SendAsync(
            """{"model":"kimi-k2.6","stream":true,"messages":[{"role":"user","content":"a long question with many words"}]}""",
            completion: HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            Assert.StartsWith("data: ", await reader.ReadLineAsync(cancellationToken));
        }

        JsonElement next = await harness.CompleteAsync(Hello);
        Assert.Equal("chatcmpl-emu-0002", next.Str("id"));
    }

    [Fact(Timeout = 10000)]
    public async Task Disposing_the_emulator_fails_an_in_memory_stream_in_flight()
    {
        var options = new KimiEmulatorOptions { ChunkDelay = TimeSpan.FromSeconds(30) };
        var emulator = new KimiEmulator(options);
        using var client = new HttpClient(emulator.CreateHandler());
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(emulator.BaseAddress + "/chat/completions"))
        {
            Content = new StringContent("""{"model":"kimi-k2.6","stream":true,"messages":[{"role":"user","content":"Hi"}]}"""),
        };
        request.Headers.Add("Authorization", "Bearer k");

        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        Assert.StartsWith("data: ", await reader.ReadLineAsync(cancellationToken));
        await emulator.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(() => reader.ReadToEndAsync(cancellationToken));
    }

    [Fact(Timeout = 10000)]
    public async Task A_throwing_responder_becomes_a_500_over_http()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, Transport.Loopback);
        harness.Emulator.Responder = _ => throw new InvalidOperationException("boom");

        (int status, string body) = await harness.PostAsync(Hello);

        Assert.Equal(500, status);
        Assert.Equal("Kimi emulator responder failed: InvalidOperationException: boom", body);
    }

    [Fact(Timeout = 10000)]
    public async Task A_throwing_responder_reaches_the_in_memory_caller()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot);
        harness.Emulator.Responder = _ => throw new InvalidOperationException("boom");

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.PostAsync(Hello));
        Assert.Equal("boom", exception.Message);
    }

    [Fact(Timeout = 10000)]
    public async Task A_disposed_emulator_refuses_new_handlers_and_requests()
    {
        var emulator = new KimiEmulator();
        using var client = new HttpClient(emulator.CreateHandler());
        await emulator.DisposeAsync();
        await emulator.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => emulator.CreateHandler());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => emulator.StartAsync(TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.PostAsync(new Uri(emulator.BaseAddress + "/chat/completions"),
            new StringContent(Hello), TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = 10000)]
    public async Task Options_are_validated_up_front()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KimiEmulator(new KimiEmulatorOptions { ContextWindow = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KimiEmulator(new KimiEmulatorOptions { ChunkDelay = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("does not speak the 'acme' dialect", Assert.Throws<ArgumentException>(() => new KimiEmulator(new KimiEmulatorOptions { Provider = KimiProvider.Vllm with { Name = "Acme", Dialect = "acme" } })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => EmulatorReply.Error(42, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => EmulatorStreamFault.Cut(-1));
        await Task.CompletedTask;
    }

    [Fact(Timeout = 10000)]
    public async Task Concurrent_requests_are_all_recorded_with_distinct_ids()
    {
        await using var harness = await EmulatorHarness.CreateAsync(KimiProvider.Moonshot, Transport.Loopback);

        JsonElement[] completions = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => harness.CompleteAsync(Hello)));

        Assert.Equal(20, harness.Emulator.Requests.Count);
        Assert.Equal(20, completions.Select(completion => completion.Str("id")).Distinct().Count());
    }
}
