using System.Text.Json;
using Kimi.Client.AI;
using Kimi.Client.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Kimi.Client.Tests.AI;

/// <summary>Chat messages in: each content kind, as it reaches the wire (Moonshot emulator, in memory).</summary>
public class ChatMessageMappingTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];
    private static readonly byte[] Mp4 = [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70];

    private static ChatMessage AssistantToolTurn(params AIContent[] reasoning)
    {
        var message = new ChatMessage(ChatRole.Assistant, [.. reasoning]);
        message.Contents.Add(new FunctionCallContent("get_weather_0", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }));
        return message;
    }

    private static ChatMessage[] ToolHistory(ChatMessage assistant) =>
    [
        new(ChatRole.User, "Weather in Paris?"),
        assistant,
        new(ChatRole.Tool, [new FunctionResultContent("get_weather_0", "Sunny")]),
    ];

    private static string Messages(JsonElement body) => body.GetProperty("messages").GetRawText();

    [Fact(Timeout = 15_000)]
    public async Task A_conversation_maps_roles_text_calls_and_results_onto_the_wire()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        var assistant = AssistantToolTurn(new TextReasoningContent("Need the weather."));
        ChatMessage[] history =
        [
            new(ChatRole.System, "Be brief."),
            .. ToolHistory(assistant),
        ];

        await harness.ChatClient.GetResponseAsync(history, new ChatOptions { Instructions = "Answer in English." }, ct);

        JsonAssert.Equal("""
            [{"role":"system","content":"Answer in English."},
             {"role":"system","content":"Be brief."},
             {"role":"user","content":"Weather in Paris?"},
             {"role":"assistant","reasoning_content":"Need the weather.","tool_calls":[{"id":"get_weather_0","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
             {"role":"tool","content":"Sunny","tool_call_id":"get_weather_0"}]
            """, Messages(harness.Emulator.Requests[0].Json));
    }

    [Fact(Timeout = 15_000)]
    public async Task Several_reasoning_contents_are_concatenated_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        var assistant = AssistantToolTurn(new TextReasoningContent("Need "), new TextReasoningContent("the weather."));

        await harness.ChatClient.GetResponseAsync(ToolHistory(assistant), cancellationToken: ct);

        Assert.Equal("Need the weather.", harness.Messages(0)[1].GetProperty("reasoning_content").GetString());
    }

    [Fact(Timeout = 15_000)]
    public async Task Reasoning_from_another_dialect_is_not_replayed_to_Moonshot()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        var foreign = new TextReasoningContent("vLLM thoughts")
        {
            AdditionalProperties = new() { [KimiPropertyNames.ReasoningDialect] = "vllm", [KimiPropertyNames.ReasoningModel] = "moonshotai/Kimi-K2.6" },
        };

        await harness.ChatClient.GetResponseAsync(ToolHistory(AssistantToolTurn(foreign)), cancellationToken: ct);

        Assert.Equal(" ", harness.Messages(0)[1].GetProperty("reasoning_content").GetString()); // the placeholder, never the foreign text
    }

    [Fact(Timeout = 15_000)]
    public async Task Reasoning_and_its_origin_survive_a_JSON_round_trip_of_the_history()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        harness.Emulator.Enqueue(Testing.EmulatorReply.FromToolCalls("Need the weather.", new Testing.EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        var first = await harness.ChatClient.GetResponseAsync([new ChatMessage(ChatRole.User, "Weather in Paris?")], cancellationToken: ct);
        var json = JsonSerializer.Serialize(first.Messages[0], AIJsonUtilities.DefaultOptions);
        var restored = (ChatMessage)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage)))!;

        await harness.ChatClient.GetResponseAsync(ToolHistory(restored), cancellationToken: ct);

        var sent = harness.Messages(1)[1];
        Assert.Equal("Need the weather.", sent.GetProperty("reasoning_content").GetString());
        Assert.Equal("""{"city":"Paris"}""", sent.GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Theory(Timeout = 15_000)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tool_call_turn_whose_reasoning_content_was_dropped_is_sent_with_the_reasoning_its_call_carries(bool streaming)
    {
        // As a Microsoft Agent Framework workflow forwards a turn to the next agent: calls kept, reasoning contents dropped,
        // and everything through JSON.
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        harness.Emulator.Enqueue(Testing.EmulatorReply.FromToolCalls("Need the weather.", new Testing.EmulatorToolCall("get_weather", """{"city":"Paris"}""")));
        ChatMessage[] question = [new(ChatRole.User, "Weather in Paris?")];
        var first = streaming
            ? await harness.ChatClient.GetStreamingResponseAsync(question, cancellationToken: ct).ToChatResponseAsync(ct)
            : await harness.ChatClient.GetResponseAsync(question, cancellationToken: ct);
        var calls = first.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToArray();
        Assert.Equal("Need the weather.", Assert.Single(calls).AdditionalProperties?[KimiPropertyNames.ToolTurnReasoning]);
        var forwarded = new ChatMessage(ChatRole.Assistant, [.. calls]) { AuthorName = "researcher" };
        var json = JsonSerializer.Serialize(forwarded, AIJsonUtilities.DefaultOptions);
        var restored = (ChatMessage)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage)))!;

        await harness.ChatClient.GetResponseAsync(ToolHistory(restored), cancellationToken: ct);

        Assert.Equal("Need the weather.", harness.Messages(1)[1].GetProperty("reasoning_content").GetString());
        Assert.DoesNotContain(harness.Logs.Collector.GetSnapshot(), r => r.Message.Contains("placeholder", StringComparison.Ordinal));
    }

    [Fact(Timeout = 15_000)]
    public async Task A_reasoning_content_wins_over_the_reasoning_a_call_carries()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        var call = new FunctionCallContent("get_weather_0", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })
        {
            AdditionalProperties = new() { [KimiPropertyNames.ToolTurnReasoning] = "Stale copy." },
        };

        await harness.ChatClient.GetResponseAsync(ToolHistory(new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("Edited reasoning."), call])), cancellationToken: ct);

        Assert.Equal("Edited reasoning.", harness.Messages(0)[1].GetProperty("reasoning_content").GetString());
    }

    [Fact(Timeout = 15_000)]
    public async Task A_function_call_we_returned_is_sent_back_with_the_models_exact_argument_text()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        const string Arguments = "{ \"city\" :  \"Paris\" }";
        var call = ChatResponseMapper.ToFunctionCall(new ToolCall("functions.get_weather:0", "get_weather", Arguments));
        var assistant = new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("r"), call]);

        await harness.ChatClient.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Weather?"), assistant, new ChatMessage(ChatRole.Tool, [new FunctionResultContent("functions.get_weather:0", "Sunny")])],
            cancellationToken: ct);

        var sent = harness.Messages(0);
        Assert.Equal("functions.get_weather:0", sent[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal(Arguments, sent[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("functions.get_weather:0", sent[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public void Function_results_become_text_strings_as_is_JSON_raw_and_objects_serialized()
    {
        Assert.Equal("Sunny", ChatMessageMapper.ToResultText("Sunny"));
        Assert.Equal("{\"t\": 21}", ChatMessageMapper.ToResultText(JsonDocument.Parse("{\"t\": 21}").RootElement));
        Assert.Equal("\"Sunny\"", ChatMessageMapper.ToResultText(JsonDocument.Parse("\"Sunny\"").RootElement));
        Assert.Equal("42", ChatMessageMapper.ToResultText(42));
        Assert.Equal("{\"city\":\"Paris\"}", ChatMessageMapper.ToResultText(new Dictionary<string, object?> { ["city"] = "Paris" }));
        Assert.Equal("null", ChatMessageMapper.ToResultText(null));
    }

    [Fact]
    public void Several_results_in_one_tool_message_become_one_tool_message_each()
    {
        var messages = ChatMessageMapper.ToKimiMessages(
            [new ChatMessage(ChatRole.Tool, [new FunctionResultContent("a", "1"), new FunctionResultContent("b", "2")])], instructions: null);

        Assert.Collection(messages,
            m => Assert.Equal(("a", "1"), (m.ToolCallId, m.Text)),
            m => Assert.Equal(("b", "2"), (m.ToolCallId, m.Text)));
        Assert.All(messages, m => Assert.Equal(MessageRole.Tool, m.Role));
    }

    [Fact(Timeout = 15_000)]
    public async Task Images_and_videos_as_bytes_and_URLs_reach_the_wire_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();
        var user = new ChatMessage(ChatRole.User,
        [
            new TextContent("What is in these?"),
            new DataContent(Png, "image/png"),
            new DataContent(Mp4, "video/mp4"),
            new UriContent(new Uri("ms://file-image-1"), "image/jpeg"),
            new UriContent(new Uri("ms://file-video-1"), "video/mp4"),
        ]);

        await harness.ChatClient.GetResponseAsync([user], cancellationToken: ct);

        JsonAssert.Equal($$$"""
            [{"type":"text","text":"What is in these?"},
             {"type":"image_url","image_url":{"url":"data:image/png;base64,{{{Convert.ToBase64String(Png)}}}"}},
             {"type":"video_url","video_url":{"url":"data:video/mp4;base64,{{{Convert.ToBase64String(Mp4)}}}"}},
             {"type":"image_url","image_url":{"url":"ms://file-image-1"}},
             {"type":"video_url","video_url":{"url":"ms://file-video-1"}}]
            """, harness.Messages(0)[0].GetProperty("content").GetRawText());
    }

    [Fact(Timeout = 15_000)]
    public async Task A_document_or_audio_attachment_is_rejected_before_sending_rather_than_dropped()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var harness = await ChatClientHarness.StartAsync();

        var pdf = await Assert.ThrowsAsync<NotSupportedException>(() => harness.ChatClient.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("Summarize"), new DataContent(new byte[] { 1 }, "application/pdf")])], cancellationToken: ct));
        var audio = Assert.Throws<NotSupportedException>(() => harness.ChatClient.GetStreamingResponseAsync(
            [new ChatMessage(ChatRole.User, [new UriContent(new Uri("https://example.com/a.mp3"), "audio/mpeg")])], cancellationToken: ct));
        var hosted = await Assert.ThrowsAsync<NotSupportedException>(() => harness.ChatClient.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new HostedFileContent("file-1")])], cancellationToken: ct));

        Assert.Contains("application/pdf", pdf.Message, StringComparison.Ordinal);
        Assert.Contains("audio/mpeg", audio.Message, StringComparison.Ordinal);
        Assert.Contains("ms://", hosted.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Emulator.Requests);
    }

    [Fact]
    public void Metadata_contents_and_reasoning_outside_assistant_turns_are_skipped()
    {
        var messages = ChatMessageMapper.ToKimiMessages(
        [
            new ChatMessage(ChatRole.User, [new TextContent("Hi"), new TextReasoningContent("user musing"), new UsageContent(new UsageDetails()), new ErrorContent("x")]),
        ], instructions: null);

        var message = Assert.Single(messages);
        Assert.Equal("Hi", message.Text);
        Assert.Null(message.Reasoning);
    }

    [Fact]
    public void Hidden_reasoning_of_another_provider_is_never_read_from_protected_data()
    {
        var messages = ChatMessageMapper.ToKimiMessages(
            [new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("summary") { ProtectedData = "gAAAA-encrypted" }, new TextContent("Hi")])], null);

        Assert.Equal("summary", Assert.Single(messages).Reasoning);
    }

    [Fact]
    public void A_developer_message_is_a_system_message_and_an_unknown_role_is_rejected()
    {
        var developer = ChatMessageMapper.ToKimiMessages([new ChatMessage(new ChatRole("developer"), "Rules")], null);

        Assert.Equal(MessageRole.System, Assert.Single(developer).Role);
        var ex = Assert.Throws<NotSupportedException>(() => ChatMessageMapper.ToKimiMessages([new ChatMessage(new ChatRole("critic"), "Hmm")], null));
        Assert.Contains("critic", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Text_split_across_contents_is_sent_as_one_string()
    {
        var messages = ChatMessageMapper.ToKimiMessages([new ChatMessage(ChatRole.Assistant, [new TextContent("Hel"), new TextContent("lo")])], null);

        var part = Assert.IsType<TextPart>(Assert.Single(Assert.Single(messages).Parts));
        Assert.Equal("Hello", part.Text);
    }
}
