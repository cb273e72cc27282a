using Kimi.Client.Serialization;
using Kimi.Client.Tests.Infrastructure;

namespace Kimi.Client.Tests.Streaming;

/// <summary>
/// Nearly every chunk of a streamed tool call is the next piece of one call's arguments and nothing else (no id, name or
/// type). Such a chunk's update makes its fragment only when <see cref="ChatCompletionUpdate.ToolCallUpdates"/> is read, so
/// these pin down that it reads exactly like any other fragment: never as content, one fragment object however often it is
/// read, folded by index into the right call, and nothing lost when it shares its chunk with more.
/// </summary>
public class ArgumentsPieceTests
{
    private const string Start = """data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}""";
    private const string StartTwo = """data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":""}},{"index":1,"id":"get_time_1","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":null}]}""";
    private const string Finish = """data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""";

    private static string Piece(string toolCalls, string more = "") =>
        $$"""data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"tool_calls":[{{toolCalls}}]{{more}}},"finish_reason":null}]}""";

    private static string Bare(int index, string arguments) => $$$"""{"index":{{{index}}},"function":{"arguments":"{{{arguments}}}"}}""";

    [Fact(Timeout = 10_000)]
    public async Task An_arguments_piece_is_one_fragment_never_content_and_the_same_object_on_every_read()
    {
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(Start, Piece(Bare(0, """{\"city\":""")), Piece(Bare(0, """\"Paris\"}""")), Finish, "data: [DONE]"),
            TestContext.Current.CancellationToken);

        var pieces = result.Updates.Skip(1).Take(2).ToList();
        Assert.All(pieces, u => Assert.Null(u.ContentDelta));
        Assert.All(pieces, u => Assert.Null(u.ReasoningDelta));
        Assert.Equal(["""{"city":""", "\"Paris\"}"], pieces.Select(u => Assert.Single(u.ToolCallUpdates).ArgumentsDelta));
        Assert.All(pieces, u => Assert.Equal((0, null, null), (u.ToolCallUpdates[0].Index, u.ToolCallUpdates[0].Id, u.ToolCallUpdates[0].Name)));
        Assert.All(pieces, u => Assert.Same(u.ToolCallUpdates, u.ToolCallUpdates));
        Assert.All(pieces, u => Assert.Same(u.ToolCallUpdates[0], u.ToolCallUpdates[0]));
        Assert.All(pieces, u => Assert.Null(u.ContentDelta)); // still not content once the fragment was made
        Assert.All(pieces, u => Assert.Equal(("a", "kimi-k2.6"), (u.Id, u.Model)));

        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal(("get_weather_0", "get_weather", """{"city":"Paris"}"""), (call.Id, call.Name, call.Arguments));
        Assert.Equal(string.Empty, result.Completion.Text);

        // The same updates folded again after their fragments were read: the arguments go to the call, not to the text.
        var again = new ChatCompletionAccumulator();
        foreach (var update in result.Updates)
        {
            again.Append(update);
        }

        var completion = again.ToCompletion();
        Assert.Equal(string.Empty, completion.Text);
        Assert.Equal("""{"city":"Paris"}""", Assert.Single(completion.ToolCalls).Arguments);
    }

    [Fact(Timeout = 10_000)]
    public async Task Pieces_of_two_calls_in_one_chunk_or_beside_content_or_a_finish_reason_keep_everything()
    {
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
                StartTwo,
                Piece($"{Bare(0, """{\"city\":""")},{Bare(1, """{\"zone\":""")}"),
                Piece(Bare(0, """\"Paris\"}"""), more: ",\"content\":\"Checking.\""),
                """data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"\"UTC\"}"}}]},"finish_reason":"tool_calls"}]}""",
                "data: [DONE]"),
            TestContext.Current.CancellationToken);

        var (both, beside, last) = (result.Updates[1], result.Updates[2], result.Updates[3]);
        Assert.Equal([(0, """{"city":"""), (1, """{"zone":""")], both.ToolCallUpdates.Select(u => (u.Index, u.ArgumentsDelta)));
        Assert.Equal("Checking.", beside.ContentDelta);
        Assert.Equal((0, "\"Paris\"}"), (Assert.Single(beside.ToolCallUpdates).Index, beside.ToolCallUpdates[0].ArgumentsDelta));
        Assert.Equal(FinishReason.ToolCalls, last.FinishReason);
        Assert.Equal((1, "\"UTC\"}"), (Assert.Single(last.ToolCallUpdates).Index, last.ToolCallUpdates[0].ArgumentsDelta));

        Assert.Equal("Checking.", result.Completion.Text);
        Assert.Equal(
            [("get_weather", """{"city":"Paris"}"""), ("get_time", """{"zone":"UTC"}""")],
            result.Completion.ToolCalls.Select(c => (c.Name, c.Arguments)));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_second_tool_calls_key_in_one_delta_keeps_the_first_keys_piece_before_its_own()
    {
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(StartTwo, Piece(Bare(0, """{\"city\":\"Paris\"}"""), more: $$""","tool_calls":[{{Bare(1, """{\"zone\":\"UTC\"}""")}}]"""), Finish, "data: [DONE]"),
            TestContext.Current.CancellationToken);

        Assert.Equal([(0, """{"city":"Paris"}"""), (1, """{"zone":"UTC"}""")], result.Updates[1].ToolCallUpdates.Select(u => (u.Index, u.ArgumentsDelta)));
        Assert.Equal(["""{"city":"Paris"}""", """{"zone":"UTC"}"""], result.Completion.ToolCalls.Select(c => c.Arguments));
    }

    [Fact(Timeout = 10_000)]
    public async Task Interleaved_pieces_of_parallel_calls_each_go_to_their_own_call()
    {
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
                StartTwo,
                Piece(Bare(0, """{\"city\":""")),
                Piece(Bare(1, """{\"zone\":""")),
                Piece(Bare(1, """\"UTC\"}""")),
                Piece(Bare(0, """\"Paris\"}""")),
                Finish,
                "data: [DONE]"),
            TestContext.Current.CancellationToken);

        Assert.Equal([0, 1, 1, 0], result.Updates.Skip(1).Take(4).Select(u => Assert.Single(u.ToolCallUpdates).Index));
        Assert.Equal(["""{"city":"Paris"}""", """{"zone":"UTC"}"""], result.Completion.ToolCalls.Select(c => c.Arguments));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_piece_with_an_index_and_one_without_are_told_apart_for_the_same_number()
    {
        // Two calls streamed one per chunk without an index (the second takes index 1, still at position 0), then a piece
        // without an index (the latest call at position 0: the second) and a piece with index 0 (the call holding index 0: the
        // first). Conformance 20 and 21 side by side.
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
                Piece("""{"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":"}}"""),
                Piece("""{"id":"get_time_1","type":"function","function":{"name":"get_time","arguments":"{\"zone\":"}}"""),
                Piece("""{"function":{"arguments":"\"UTC\"}"}}"""),
                Piece(Bare(0, """\"Paris\"}""")),
                Finish,
                "data: [DONE]"),
            TestContext.Current.CancellationToken);

        Assert.Equal(
            [("get_weather", """{"city":"Paris"}"""), ("get_time", """{"zone":"UTC"}""")],
            result.Completion.ToolCalls.Select(c => (c.Name, c.Arguments)));
    }

    [Theory(Timeout = 10_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Index_less_pieces_read_as_fragments_and_folded_again_go_to_the_call_at_their_position(bool lastPieceBesideFinish)
    {
        // Calls streamed one per chunk without an index (conformance 21): the second call's piece alone in its chunk (an update
        // without a fragment until one is read), or sharing its chunk with the finish reason (a fragment from the start).
        const string lastPiece = """{"function":{"arguments":"{\"zone\":\"UTC\"}"}}""";
        var ending = lastPieceBesideFinish
            ? [$$"""data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"tool_calls":[{{lastPiece}}]},"finish_reason":"tool_calls"}]}"""]
            : new[] { Piece(lastPiece), Finish };
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
            [
                Piece("""{"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":""}}"""),
                Piece("""{"function":{"arguments":"{\"city\":\"Paris\"}"}}"""),
                Piece("""{"id":"get_time_1","type":"function","function":{"name":"get_time","arguments":""}}"""),
                .. ending,
                "data: [DONE]",
            ]),
            TestContext.Current.CancellationToken);

        (string, string)[] expected = [("get_weather", """{"city":"Paris"}"""), ("get_time", """{"zone":"UTC"}""")];
        Assert.Equal(expected, result.Completion.ToolCalls.Select(c => (c.Name, c.Arguments)));

        var again = new ChatCompletionAccumulator();
        foreach (var update in result.Updates)
        {
            _ = update.ToolCallUpdates; // every piece's fragment made before it is folded
            again.Append(update);
        }

        Assert.Equal(expected, again.ToCompletion().ToolCalls.Select(c => (c.Name, c.Arguments)));
    }

    [Fact(Timeout = 10_000)]
    public async Task A_name_or_type_with_arguments_and_nothing_else_is_kept()
    {
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines(
                Piece("""{"index":0,"function":{"name":"get_weather","arguments":"{\"city\":"}}"""),
                Piece("""{"index":0,"type":"builtin_function","function":{"arguments":"\"Paris\"}"}}"""),
                Finish,
                "data: [DONE]"),
            TestContext.Current.CancellationToken);

        Assert.Equal("get_weather", Assert.Single(result.Updates[0].ToolCallUpdates).Name);
        var call = Assert.Single(result.Completion.ToolCalls);
        Assert.Equal(("get_weather", "builtin_function", """{"city":"Paris"}"""), (call.Name, call.Type, call.Arguments));
    }

    [Theory(Timeout = 10_000)]
    [InlineData("reasoning")]
    [InlineData("choice usage")]
    [InlineData("top-level usage")]
    [InlineData("native finish reason")]
    [InlineData("reasoning details")]
    [InlineData("unknown field")]
    public async Task A_piece_beside_anything_else_keeps_both(string beside)
    {
        var (delta, choice, top) = beside switch
        {
            "reasoning" => (",\"reasoning_content\":\"Checking.\"", "", ""),
            "choice usage" => ("", ""","usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}""", ""),
            "top-level usage" => ("", "", ""","usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}"""),
            "native finish reason" => ("", ",\"native_finish_reason\":\"tool_calls\"", ""),
            "reasoning details" => (""","reasoning_details":[{"type":"reasoning.encrypted","data":"c2VjcmV0"}]""", "", ""), // no text: not reasoning
            _ => ("", "", ",\"system_fingerprint\":\"fp_1\""),
        };
        var chunk = $$"""data: {"id":"a","object":"chat.completion.chunk","created":1,"model":"kimi-k2.6","choices":[{"index":0,"delta":{"tool_calls":[{{Bare(0, """\"Paris\"}""")}}]{{delta}}},"finish_reason":null{{choice}}}]{{top}}}""";
        using var server = StreamReplay.Serve(StreamReplay.Lines(Start, Piece(Bare(0, """{\"city\":""")), chunk, Finish, "data: [DONE]"));
        using var client = TestClients.For(KimiProvider.OpenRouter, server.Url!, o => o.IncludeUnknownStreamFields = true);
        var result = await StreamReplay.CollectAsync(StreamReplay.Start(client, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var update = result.Updates[2];
        Assert.Equal("\"Paris\"}", Assert.Single(update.ToolCallUpdates).ArgumentsDelta);
        Assert.Null(update.ContentDelta);
        switch (beside)
        {
            case "reasoning":
                Assert.Equal("Checking.", update.ReasoningDelta);
                Assert.Equal("Checking.", result.Completion.Reasoning);
                break;
            case "choice usage" or "top-level usage":
                Assert.Equal(12, update.Usage?.TotalTokens);
                Assert.Equal(12, result.Completion.Usage?.TotalTokens);
                break;
            case "native finish reason":
                Assert.Equal("tool_calls", update.NativeFinishReason);
                break;
            case "reasoning details":
                Assert.Equal("reasoning.encrypted", update.ReasoningDetails?[0].GetProperty("type").GetString());
                break;
            default:
                Assert.Equal("fp_1", update.AdditionalProperties?["system_fingerprint"].GetString());
                break;
        }

        Assert.Equal("""{"city":"Paris"}""", Assert.Single(result.Completion.ToolCalls).Arguments);
    }

    [Fact(Timeout = 30_000)]
    public async Task Threads_reading_a_pieces_fragment_at_once_all_get_the_same_one()
    {
        const int Pieces = 200;
        var result = await StreamReplay.ReplayAsync(
            StreamReplay.Lines([Start, .. Enumerable.Repeat(Piece(Bare(0, "1")), Pieces), Finish, "data: [DONE]"]),
            TestContext.Current.CancellationToken);
        var updates = result.Updates.Skip(1).Take(Pieces).ToArray();

        // Two threads make each update's first read at the same moment (both spin until both arrive), update after update.
        var arrived = new int[Pieces];
        IReadOnlyList<ToolCallUpdate>[] ReadAll()
        {
            var reads = new IReadOnlyList<ToolCallUpdate>[Pieces];
            for (var i = 0; i < Pieces; i++)
            {
                Interlocked.Increment(ref arrived[i]);
                while (Volatile.Read(ref arrived[i]) < 2)
                {
                    Thread.SpinWait(1);
                }

                reads[i] = updates[i].ToolCallUpdates;
            }

            return reads;
        }

        var both = await Task.WhenAll(Task.Factory.StartNew(ReadAll, TaskCreationOptions.LongRunning), Task.Factory.StartNew(ReadAll, TaskCreationOptions.LongRunning));

        for (var i = 0; i < Pieces; i++)
        {
            Assert.Same(both[0][i], both[1][i]);
            Assert.Same(updates[i].ToolCallUpdates, both[0][i]);
        }
    }

    [Fact]
    public void A_piece_read_as_a_fragment_and_passed_on_with_content_leaves_the_content_as_content()
    {
        var parser = new ChunkParser(null, new ReasoningOrigin("moonshot", "kimi-k2.6"));
        var piece = parser.ParseEvent(System.Text.Encoding.UTF8.GetBytes(Piece(Bare(0, "{}"))["data: ".Length..])).Update!;

        var passedOn = new ChatCompletionUpdate(piece.Metadata, null, "Checking.", piece.ToolCallUpdates, null, null, usageIsTopLevel: false);

        Assert.Equal("Checking.", passedOn.ContentDelta);
        Assert.Equal("{}", Assert.Single(passedOn.ToolCallUpdates).ArgumentsDelta);
        Assert.Null(piece.ContentDelta);
    }
}
