using Kimi.Client.Tests.Infrastructure;
using Kimi.Client.Tests.Serialization;
using Microsoft.Extensions.Logging;

namespace Kimi.Client.Tests.Chat;

/// <summary>vLLM/SGLang quirk: a tool follow-up can end with only reasoning. It is surfaced, not passed on as a normal "".</summary>
public class EmptyCompletionTests
{
    [Fact(Timeout = 10_000)]
    public async Task A_stop_with_only_reasoning_is_flagged_empty_and_logged()
    {
        using var loggerFactory = RecordingServer.Logging(out var logs);
        using var server = RecordingServer.Start(RecordingServer.Completion(KimiProvider.Vllm, content: "", reasoning: "I should answer."));
        using var client = server.Client(KimiProvider.Vllm, loggerFactory: loggerFactory);

        var completion = await client.CompleteAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(completion.IsEmpty);
        Assert.Equal("I should answer.", completion.Reasoning);
        Assert.Contains(logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("empty completion", StringComparison.Ordinal));
    }

    [Fact]
    public void A_completion_with_text_or_tool_calls_is_not_empty()
    {
        Assert.False(KimiModelFactory.ChatCompletion("Hi").IsEmpty);
        Assert.False(KimiModelFactory.ChatCompletion(toolCalls: [new ToolCall("c", "f", "{}")]).IsEmpty);
        Assert.True(KimiModelFactory.ChatCompletion(reasoning: "…").IsEmpty);
    }
}
