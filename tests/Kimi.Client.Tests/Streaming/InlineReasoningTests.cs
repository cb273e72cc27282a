using System.Text.Json.Nodes;
using Kimi.Client.Streaming;
using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Testing;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// Conformance 40a–40h: reasoning that a server without <c>--reasoning-parser kimi_k2</c> leaves inline in <c>content</c>,
/// split by the opt-in splitter, streamed and not, over real HTTP (WireMock, and Kestrel where timing matters).
/// </summary>
public class InlineReasoningTests
{
    internal static readonly KimiProvider InlineVllm = KimiProvider.Vllm with { InlineReasoning = true };

    public static TheoryData<string> InlineHosts => new() { "Vllm", "SGLang", "KTransformers" };

    private static KimiProvider Inline(string host) => KimiProvider.FromName(host) with { InlineReasoning = true };

    // 40a -------------------------------------------------------------------------------------------------------------

    private const string Chunk40A1 = """data: {"id":"k","object":"chat.completion.chunk","created":1,"model":"moonshotai/Kimi-K2.6","choices":[{"index":0,"delta":{"role":"assistant","content":" Compare 9.11 and 9.9. </think> 9.9"},"finish_reason":null}]}""";
    private const string Chunk40A2 = """data: {"id":"k","object":"chat.completion.chunk","created":1,"model":"moonshotai/Kimi-K2.6","choices":[{"index":0,"delta":{"content":" is bigger."},"finish_reason":"stop"}]}""";

    [Fact(Timeout = 10_000)]
    public async Task Off_by_default_content_passes_through_byte_for_byte_and_no_splitter_exists()
    {
        InlineReasoningSplitter.StartCounting();
        using var server = RecordingServer.StartStreaming(string.Join('\n', Chunk40A1, Chunk40A2, "data: [DONE]"));
        using var client = server.Client(KimiProvider.Vllm);

        var result = await StreamReplay.CollectAsync(client.StreamAsync([KimiMessage.User("Hi")], cancellationToken: TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.False(KimiProvider.Vllm.InlineReasoning);
        Assert.False(KimiProvider.SGLang.InlineReasoning);
        Assert.Equal([" Compare 9.11 and 9.9. </think> 9.9", " is bigger."], result.UpdatesWithContent.Select(u => u.ContentDelta));
        Assert.All(result.Updates, u => Assert.Null(u.ReasoningDelta));
        Assert.Equal(" Compare 9.11 and 9.9. </think> 9.9 is bigger.", result.Completion.Text);
        Assert.Null(result.Completion.Reasoning);
        Assert.Empty(result.Completion.Warnings);
        Assert.Equal(0, InlineReasoningSplitter.CreatedCount);
        Assert.True(JsonNode.Parse(server.Body)!["chat_template_kwargs"]!["thinking"]!.GetValue<bool>()); // thinking was on
    }

    [Theory(Timeout = 10_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_first_update_is_observable_before_the_second_chunk_is_written(bool inline)
    {
        InlineReasoningSplitter.StartCounting();
        var updateSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondWritten = false;
        await using var server = await LoopbackServer.StartAsync(async context =>
        {
            await LoopbackServer.WriteSseAsync(context, [Chunk40A1 + "\n\n"]);
            await updateSeen.Task.WaitAsync(TimeSpan.FromSeconds(5), context.RequestAborted); // blocks after chunk 1
            secondWritten = true;
            await context.Response.WriteAsync(Chunk40A2 + "\n\ndata: [DONE]\n\n", context.RequestAborted);
        });
        using var client = TestClients.For(inline ? InlineVllm : KimiProvider.Vllm, server.Url);
        var stream = client.StreamAsync([KimiMessage.User("Hi")], cancellationToken: TestContext.Current.CancellationToken);

        await using var updates = stream.GetAsyncEnumerator(TestContext.Current.CancellationToken);
        Assert.True(await updates.MoveNextAsync());
        var first = updates.Current;
        Assert.False(secondWritten);
        updateSeen.SetResult();
        while (await updates.MoveNextAsync())
        {
        }

        if (inline)
        {
            // Nothing in chunk 1 could start a tag, so nothing waits: the reasoning and the first text arrive together.
            Assert.Equal(" Compare 9.11 and 9.9.", first.ReasoningDelta);
            Assert.Equal("9.9", first.ContentDelta);
            Assert.Equal("9.9 is bigger.", stream.Completion!.Text);
            Assert.Equal(1, InlineReasoningSplitter.CreatedCount);
        }
        else
        {
            Assert.Equal(" Compare 9.11 and 9.9. </think> 9.9", first.ContentDelta);
            Assert.Equal(0, InlineReasoningSplitter.CreatedCount);
        }
    }

    // 40b -------------------------------------------------------------------------------------------------------------

    [Theory(Timeout = 10_000)]
    [MemberData(nameof(InlineHosts))]
    public async Task The_recorded_ktransformers_response_is_split_into_reasoning_and_text(string host)
    {
        using var server = RecordingServer.Start(Fixtures.Text("Streaming/Fixtures/ktransformers-k25-inline-reasoning.json"));
        using var client = server.Client(Inline(host));

        var completion = await client.CompleteAsync("hi, who are you?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(
            " The user is asking \"hi, who are you?\" which is a simple greeting and identity question. … This covers all the necessary points and invites the user to continue the conversation.",
            completion.Reasoning);
        Assert.Equal(
            "Hi! I'm Kimi, an AI assistant created by Moonshot AI. I'm designed to help answer questions, provide information, and assist with a wide range of tasks. How can I help you today?",
            completion.Text);
        Assert.Equal(FinishReason.Stop, completion.FinishReason);
        Assert.Empty(completion.Warnings);
        Assert.Equal(new ReasoningOrigin(Inline(host).Dialect, Inline(host).Model), completion.ReasoningOrigin); // the host's own reasoning (45)
        Assert.Equal(0, completion.Usage!.ReasoningTokens); // the server did not know what was reasoning
        Assert.Equal(285, completion.Usage.OutputTokens);
        Assert.True(JsonNode.Parse(server.Body)!["chat_template_kwargs"]!["thinking"]!.GetValue<bool>());
    }

    [Fact(Timeout = 10_000)]
    public async Task The_k2_thinking_variant_drops_the_opening_tag_and_one_space_around_each_tag()
    {
        const string content = " <think> The user says \"hi\". … Let me go with: \"Hello! How can I help you today?\" </think> Hello! How can I help you today?";
        using var server = RecordingServer.Start(Body(content));
        using var client = server.Client(InlineVllm);

        var completion = await client.CompleteAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("The user says \"hi\". … Let me go with: \"Hello! How can I help you today?\"", completion.Reasoning);
        Assert.Equal("Hello! How can I help you today?", completion.Text);
        Assert.Empty(completion.Warnings);
    }

    // 40c -------------------------------------------------------------------------------------------------------------

    [Fact(Timeout = 10_000)]
    public async Task A_close_tag_split_across_chunks_never_reaches_an_update()
    {
        var sse = StreamReplay.Lines(
            """data: {"id":"s","choices":[{"index":0,"delta":{"role":"assistant","content":"Compare 9.11 and 9.9.</th"},"finish_reason":null}]}""",
            """data: {"id":"s","choices":[{"index":0,"delta":{"content":"ink> 9.9 is bigger."},"finish_reason":null}]}""",
            """data: {"id":"s","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, InlineVllm, TestContext.Current.CancellationToken);

        var pieces = result.Updates.Where(u => u.ReasoningDelta is not null || u.ContentDelta is not null).ToArray();
        Assert.Equal(2, pieces.Length);
        Assert.Equal("Compare 9.11 and 9.9.", pieces[0].ReasoningDelta);
        Assert.Null(pieces[0].ContentDelta);
        Assert.Equal("9.9 is bigger.", pieces[1].ContentDelta);
        Assert.Null(pieces[1].ReasoningDelta);
        Assert.All(result.Updates, u => Assert.DoesNotContain("<", (u.ReasoningDelta ?? string.Empty) + u.ContentDelta));
        Assert.All(result.Updates, u => Assert.DoesNotContain("ink>", (u.ReasoningDelta ?? string.Empty) + u.ContentDelta));
        Assert.Equal("Compare 9.11 and 9.9.", result.Completion.Reasoning);
        Assert.Equal("9.9 is bigger.", result.Completion.Text);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
        Assert.Empty(result.Completion.Warnings);
    }

    [Theory(Timeout = 10_000)]
    [InlineData("a</¦thi¦nk>b", "a", "b")]                       // three-way split of the close tag
    [InlineData("x </¦b> y</think>z", "x </b> y", "z")]           // a false prefix is released
    [InlineData(" <thi¦nk> r </think> t", "r", "t")]             // the opening tag split the same way
    [InlineData("r </think>¦ t", "r", "t")]                       // the space after a tag opens the next chunk
    [InlineData("r ¦</think> t", "r", "t")]                       // the space before a tag ends the previous one
    [InlineData("Need it.<|tool_calls_sec¦tion_begin|>x", "Need it.", "<|tool_calls_section_begin|>x")]
    public async Task A_tag_split_anywhere_gives_the_same_split(string chunks, string reasoning, string text)
    {
        var result = await StreamReplay.ReplayAsync(Stream(chunks.Split('¦')), InlineVllm, TestContext.Current.CancellationToken);

        Assert.Equal(reasoning, result.Completion.Reasoning);
        Assert.Equal(text, result.Completion.Text);
        Assert.Equal(reasoning, string.Concat(result.Updates.Select(u => u.ReasoningDelta)));
        Assert.Equal(text, string.Concat(result.Updates.Select(u => u.ContentDelta)));
        Assert.Empty(result.Completion.Warnings);
    }

    // 40d -------------------------------------------------------------------------------------------------------------

    private const string Section =
        "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\":\"Paris\"}<|tool_call_end|><|tool_calls_section_end|>";

    [Fact(Timeout = 10_000)]
    public async Task A_tool_section_ends_the_reasoning_and_stays_as_text_without_recovery()
    {
        using var server = RecordingServer.Start(Body("Need the weather." + Section));
        using var client = server.Client(InlineVllm);

        var completion = await client.CompleteAsync("Weather in Paris?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Need the weather.", completion.Reasoning);
        Assert.Equal(Section, completion.Text);
        Assert.Empty(completion.ToolCalls);
        Assert.False(completion.ToolCallsRecoveredFromText);
        Assert.Empty(completion.Warnings);
    }

    [Fact(Timeout = 10_000)]
    public async Task With_recovery_the_section_becomes_a_tool_call_with_its_id_kept_and_the_finish_reason_as_sent()
    {
        using var server = RecordingServer.Start(Body("Need the weather." + Section));
        using var logging = RecordingServer.Logging(out var logs);
        using var client = server.Client(InlineVllm with { RecoverToolCallsFromText = true }, loggerFactory: logging);

        var completion = await client.CompleteAsync("Weather in Paris?", cancellationToken: TestContext.Current.CancellationToken);

        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("functions.get_weather:0", call.Id);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("{\"city\":\"Paris\"}", call.Arguments);
        Assert.Null(call.ArgumentsError);
        Assert.Equal(string.Empty, completion.Text);
        Assert.Equal("Need the weather.", completion.Reasoning);
        Assert.Equal(FinishReason.Stop, completion.FinishReason); // raw value kept
        Assert.True(completion.ToolCallsRecoveredFromText);
        Assert.Empty(completion.Warnings);
        Assert.Contains(logs.GetSnapshot(), r => r.Id.Id == 163 && r.Message.Contains("1 tool call(s)", StringComparison.Ordinal));
    }

    [Fact(Timeout = 10_000)]
    public async Task With_recovery_a_streamed_section_split_anywhere_becomes_tool_call_updates_and_no_text()
    {
        var text = "Need the weather. </think> " + Section.Replace("<|tool_call_begin|>", " <|tool_call_begin|> ", StringComparison.Ordinal);
        var pieces = Enumerable.Range(0, (text.Length + 6) / 7).Select(i => text.Substring(i * 7, Math.Min(7, text.Length - (i * 7)))).ToArray();

        var result = await StreamReplay.ReplayAsync(Stream(pieces), InlineVllm with { RecoverToolCallsFromText = true }, TestContext.Current.CancellationToken);

        Assert.Equal("Need the weather.", result.Completion.Reasoning);
        Assert.Equal(string.Empty, result.Completion.Text);
        Assert.All(result.Updates, u => Assert.True(u.ContentDelta is null or "", $"text update '{u.ContentDelta}'"));
        var update = Assert.Single(result.Updates, u => u.ToolCallUpdates.Count > 0);
        Assert.Equal("functions.get_weather:0", Assert.Single(update.ToolCallUpdates).Id);
        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal(("functions.get_weather:0", "get_weather", "{\"city\":\"Paris\"}"), (call.Id, call.Name, call.Arguments));
        Assert.True(result.Completion.ToolCallsRecoveredFromText);
        Assert.Equal(FinishReason.Stop, result.Completion.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task An_unclosed_section_stays_in_the_text_with_a_warning()
    {
        var open = Section[..Section.IndexOf("<|tool_calls_section_end|>", StringComparison.Ordinal)];
        using var server = RecordingServer.Start(Body("Need the weather." + open));
        using var client = server.Client(InlineVllm with { RecoverToolCallsFromText = true });

        var completion = await client.CompleteAsync("Weather in Paris?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Need the weather.", completion.Reasoning);
        Assert.Equal(open, completion.Text);
        Assert.Empty(completion.ToolCalls);
        Assert.False(completion.ToolCallsRecoveredFromText);
        var warning = Assert.Single(completion.Warnings);
        Assert.Equal(ChatCompletionWarning.ToolSectionUnterminated, warning.Code);
        Assert.Equal(FinishReason.Stop, warning.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task Recovery_without_inline_reasoning_is_refused_before_anything_is_sent()
    {
        using var server = RecordingServer.Start(Body("x"));

        var ex = await RecordingServer.BuildThrowsAsync<ArgumentException>(() => server.Client(KimiProvider.Vllm with { RecoverToolCallsFromText = true }), TestContext.Current.CancellationToken);

        Assert.Contains("RecoverToolCallsFromText needs InlineReasoning", ex.Message);
        Assert.Equal(0, server.RequestCount);
    }

    // 40e -------------------------------------------------------------------------------------------------------------

    [Theory(Timeout = 10_000)]
    [InlineData("stop")]
    [InlineData("length")]
    public async Task No_closing_tag_returns_the_text_unchanged_with_a_warning(string finish)
    {
        using var server = RecordingServer.Start(Body(" I think the answer is 42", finish));
        using var logging = RecordingServer.Logging(out var logs);
        using var client = server.Client(InlineVllm, loggerFactory: logging);

        var completion = await client.CompleteAsync("?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(" I think the answer is 42", completion.Text);
        Assert.Null(completion.Reasoning);
        Assert.Null(completion.ReasoningOrigin);
        var warning = Assert.Single(completion.Warnings);
        Assert.Equal(ChatCompletionWarning.InlineReasoningUnterminated, warning.Code);
        Assert.Equal(finish, warning.FinishReason?.Value);
        var line = Assert.Single(logs.GetSnapshot(), r => r.Id.Id == 160);
        Assert.Contains($"finish reason {finish}", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("answer is 42", line.Message, StringComparison.Ordinal); // never the text itself
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_without_a_closing_tag_streams_reasoning_then_reclassifies_it_as_text()
    {
        var result = await StreamReplay.ReplayAsync(Stream([" I think", " the answer", " is 42"]), InlineVllm, TestContext.Current.CancellationToken);

        var updates = result.Updates.Where(u => u.ReasoningDelta is not null || u.ContentDelta is not null).ToArray();
        Assert.Equal([" I think", " the answer", " is 42"], updates[..3].Select(u => u.ReasoningDelta));
        Assert.All(updates[..3], u => Assert.Null(u.ContentDelta));
        var last = result.Updates[^1];
        Assert.True(last.ReasoningReclassifiedAsText);
        Assert.Equal(" I think the answer is 42", last.ContentDelta);
        Assert.Null(last.ReasoningDelta);
        Assert.Single(result.Updates, u => u.ReasoningReclassifiedAsText);
        Assert.Equal(" I think the answer is 42", result.Completion.Text);
        Assert.Null(result.Completion.Reasoning);
        var warning = Assert.Single(result.Completion.Warnings);
        Assert.Equal(ChatCompletionWarning.InlineReasoningUnterminated, warning.Code);
        Assert.Equal(FinishReason.Stop, warning.FinishReason);
    }

    [Fact(Timeout = 10_000)]
    public async Task Through_IChatClient_the_update_that_reclassifies_the_reasoning_is_marked()
    {
        using var server = StreamReplay.Serve(Stream([" I think", " the answer", " is 42"]));
        using var client = TestClients.For(InlineVllm, server.Url!);
        var updates = new List<ChatResponseUpdate>();

        await foreach (var update in client.AsIChatClient().GetStreamingResponseAsync("?", cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        var marked = Assert.Single(updates, u => u.AdditionalProperties?.ContainsKey(Kimi.Client.AI.KimiPropertyNames.ReasoningReclassifiedAsText) == true);
        Assert.Equal(" I think the answer is 42", marked.Text);
        Assert.Equal(" I think the answer is 42", string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(c => c.Text)));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_stream_that_ends_inside_a_held_tag_gives_the_held_text_back_too()
    {
        var result = await StreamReplay.ReplayAsync(Stream([" <think> r", " </th"]), InlineVllm, TestContext.Current.CancellationToken);

        Assert.Equal(" <think> r </th", result.Completion.Text);
        Assert.Null(result.Completion.Reasoning);
        Assert.Equal(ChatCompletionWarning.InlineReasoningUnterminated, Assert.Single(result.Completion.Warnings).Code);
    }

    // 40f -------------------------------------------------------------------------------------------------------------

    [Fact(Timeout = 10_000)]
    public async Task Thinking_off_never_splits()
    {
        InlineReasoningSplitter.StartCounting();
        var options = new ChatCompletionOptions { Thinking = ThinkingMode.Disabled };
        using var server = RecordingServer.Start(Body("Hello </think> there"));
        using var client = server.Client(InlineVllm);
        using var streaming = RecordingServer.StartStreaming(Stream(["Hello </th", "ink> there"]));
        using var streamingClient = streaming.Client(InlineVllm);

        var completion = await client.CompleteAsync([KimiMessage.User("Hi")], options, TestContext.Current.CancellationToken);
        var streamed = await StreamReplay.CollectAsync(streamingClient.StreamAsync([KimiMessage.User("Hi")], options, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        foreach (var result in new[] { completion, streamed.Completion })
        {
            Assert.Equal("Hello </think> there", result.Text);
            Assert.Null(result.Reasoning);
            Assert.Empty(result.Warnings);
        }

        Assert.Equal(["Hello </th", "ink> there"], streamed.UpdatesWithContent.Select(u => u.ContentDelta));
        Assert.False(JsonNode.Parse(server.Body)!["chat_template_kwargs"]!["thinking"]!.GetValue<bool>());
        Assert.False(JsonNode.Parse(streaming.Body)!["chat_template_kwargs"]!["thinking"]!.GetValue<bool>());
        Assert.Equal(0, InlineReasoningSplitter.CreatedCount);
    }

    // 40g -------------------------------------------------------------------------------------------------------------

    [Theory(Timeout = 10_000)]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    public async Task The_servers_own_split_wins(string field)
    {
        var sse = StreamReplay.Lines(
            $$"""data: {"id":"g","choices":[{"index":0,"delta":{"role":"assistant","{{field}}":"Think."},"finish_reason":null}]}""",
            """data: {"id":"g","choices":[{"index":0,"delta":{"content":"Answer with a literal </think> tag"},"finish_reason":"stop"}]}""",
            "data: [DONE]");

        var result = await StreamReplay.ReplayAsync(sse, InlineVllm, TestContext.Current.CancellationToken);

        Assert.Equal("Think.", result.Completion.Reasoning);
        Assert.Equal("Answer with a literal </think> tag", result.Completion.Text);
        Assert.Equal(["Answer with a literal </think> tag"], result.UpdatesWithContent.Select(u => u.ContentDelta));
        Assert.Empty(result.Completion.Warnings);
    }

    [Fact(Timeout = 10_000)]
    public async Task The_servers_own_split_wins_in_a_whole_response()
    {
        using var server = RecordingServer.Start(RecordingServer.Completion(KimiProvider.SGLang, "Answer with a literal </think> tag", "Think."));
        using var client = server.Client(Inline("SGLang"));

        var completion = await client.CompleteAsync("?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Think.", completion.Reasoning);
        Assert.Equal("Answer with a literal </think> tag", completion.Text);
        Assert.Empty(completion.Warnings);
    }

    // 40h -------------------------------------------------------------------------------------------------------------

    [Fact(Timeout = 10_000)]
    public async Task Only_the_first_close_counts_and_later_tags_keep_their_spaces()
    {
        using var server = RecordingServer.Start(Body("r1</think>a </think> b"));
        using var client = server.Client(InlineVllm);

        var completion = await client.CompleteAsync("?", cancellationToken: TestContext.Current.CancellationToken);
        var streamed = await StreamReplay.ReplayAsync(Stream(["r1</th", "ink>a </", "think> b"]), InlineVllm, TestContext.Current.CancellationToken);

        foreach (var result in new[] { completion, streamed.Completion })
        {
            Assert.Equal("r1", result.Reasoning);
            Assert.Equal("a </think> b", result.Text);
            Assert.Empty(result.Warnings);
        }
    }

    // Helpers -----------------------------------------------------------------------------------------------------------

    /// <summary>A non-streamed vLLM-shaped body with everything inline in <c>content</c> and no reasoning field.</summary>
    /// <summary>A whole vLLM answer whose content is <paramref name="content"/> (reasoning inline, as the server sent it).</summary>
    internal static string Body(string content, string finish = "stop") =>
        $$$"""
        {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"moonshotai/Kimi-K2.6",
         "choices":[{"index":0,"message":{"role":"assistant","content":{{{JsonValue.Create(content).ToJsonString()}}},"reasoning":null,"tool_calls":[]},"logprobs":null,"finish_reason":"{{{finish}}}","stop_reason":null}],
         "usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30}}
        """;

    /// <summary>SSE with one content delta per piece, a finish chunk and <c>[DONE]</c>.</summary>
    internal static string Stream(IEnumerable<string> pieces, string finish = "stop") =>
        StreamReplay.Lines([
            .. pieces.Select((piece, i) =>
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"moonshotai/Kimi-K2.6\",\"choices\":[{\"index\":0,\"delta\":{" +
                (i == 0 ? "\"role\":\"assistant\"," : string.Empty) + "\"content\":" + JsonValue.Create(piece).ToJsonString() + "}}]}"),
            $$"""data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"moonshotai/Kimi-K2.6","choices":[{"index":0,"delta":{},"finish_reason":"{{finish}}"}]}""",
            "data: [DONE]",
        ]);
}
