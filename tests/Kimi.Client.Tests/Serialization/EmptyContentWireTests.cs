using System.Text.Json.Nodes;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// Messages without text on the wire: only an assistant tool-call turn goes without a <c>content</c> key (conformance 12);
/// any other message with no text, or only empty text parts, still sends <c>content</c>.
/// </summary>
public class EmptyContentWireTests
{
    [Fact(Timeout = 10_000)]
    public async Task An_assistant_turn_with_no_parts_and_no_tool_calls_sends_empty_content()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);

        await client.CompleteAsync(
            [KimiMessage.User("Hi"), new KimiMessage(MessageRole.Assistant), KimiMessage.User("Again")], cancellationToken: TestContext.Current.CancellationToken);

        var sent = JsonNode.Parse(server.Body)!["messages"]![1]!.AsObject();
        Assert.Equal(string.Empty, sent["content"]!.GetValue<string>());
    }

    [Fact(Timeout = 10_000)]
    public async Task An_assistant_turn_with_only_empty_text_parts_and_no_tool_calls_keeps_its_content()
    {
        using var server = RecordingServer.Start(KimiProvider.Vllm);
        using var client = server.Client(KimiProvider.Vllm);
        var assistant = new KimiMessage(MessageRole.Assistant);
        assistant.Parts.Add(new TextPart(string.Empty));
        assistant.Parts.Add(new TextPart(string.Empty));

        await client.CompleteAsync([KimiMessage.User("Hi"), assistant, KimiMessage.User("Again")], cancellationToken: TestContext.Current.CancellationToken);

        var sent = JsonNode.Parse(server.Body)!["messages"]![1]!.AsObject();
        Assert.True(sent.ContainsKey("content"), sent.ToJsonString());
    }
}
