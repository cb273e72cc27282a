using System.Text.Json.Nodes;

namespace Kimi.Client.Tests.Serialization;

/// <summary>
/// An assistant tool-call turn whose text parts are all empty goes out in the host's tool-call-only shape
/// (<see cref="KimiProvider.ToolCallOnlyContent"/>, conformance 12): <c>"content":null</c> on Ollama and OpenRouter,
/// <c>"content":""</c> on Cloudflare Workers AI; never <c>[{"type":"text","text":""}]</c>.
/// </summary>
public class ToolCallOnlyContentWireTests
{
    private static KimiMessage ToolCallTurn(int emptyTextParts)
    {
        var assistant = new KimiMessage(MessageRole.Assistant);
        for (var i = 0; i < emptyTextParts; i++)
        {
            assistant.Parts.Add(new TextPart(string.Empty));
        }

        assistant.ToolCalls.Add(new ToolCall("call_ab12cd34", "get_weather", """{"city":"Paris"}"""));
        return assistant;
    }

    [Theory(Timeout = 10_000)]
    [InlineData("Ollama", 1, "null")]
    [InlineData("Ollama", 3, "null")]
    [InlineData("OpenRouter", 1, "null")]
    [InlineData("OpenRouter", 2, "null")]
    [InlineData("CloudflareWorkersAI", 1, "\"\"")]
    [InlineData("CloudflareWorkersAI", 2, "\"\"")]
    public async Task A_tool_call_turn_with_only_empty_text_parts_sends_the_hosts_tool_call_only_content(string providerName, int emptyTextParts, string content)
    {
        var provider = KimiProvider.FromName(providerName);
        using var server = RecordingServer.Start(provider);
        using var client = server.Client(provider);
        KimiMessage[] history = [KimiMessage.User("Weather in Paris?"), ToolCallTurn(emptyTextParts), KimiMessage.Tool("call_ab12cd34", "sunny")];

        var completion = await client.CompleteAsync(history, new ChatCompletionOptions { Thinking = ThinkingMode.Disabled }, TestContext.Current.CancellationToken);

        Assert.Equal("Paris.", completion.Text);
        var sent = JsonNode.Parse(server.Body)!["messages"]![1]!.AsObject();
        Assert.True(sent.ContainsKey("content"), sent.ToJsonString());
        Assert.Equal(content, sent["content"]?.ToJsonString() ?? "null");
        Assert.Equal("call_ab12cd34", sent["tool_calls"]![0]!["id"]!.GetValue<string>());
    }
}
