using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Kimi.Client.Benchmarks.Infrastructure;
using Kimi.Client.Benchmarks.Workloads;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Kimi.Client.Benchmarks.Clients;

/// <summary>
/// Microsoft.Extensions.AI over the OpenAI SDK (<c>AsIChatClient()</c>). Reasoning arrives as
/// <see cref="TextReasoningContent"/>; tool-call arguments only as a parsed dictionary. MEAI does not write reasoning
/// back on assistant turns, so its long-history request carries fewer bytes (Moonshot would answer it with a 400).
/// </summary>
public sealed class MeaiBenchClient : BenchClient
{
    private readonly IChatClient _client;
    private readonly ChatMessage[] _prompt = [new(ChatRole.System, SystemPrompt), new(ChatRole.User, UserPrompt)];
    private readonly ChatMessage[] _history;

    public MeaiBenchClient()
        : base("MEAI 10.11")
    {
        _client = new OpenAI.Chat.ChatClient(Model, new ApiKeyCredential(ApiKey), new OpenAIClientOptions
        {
            Endpoint = Endpoint,
            Transport = new HttpClientPipelineTransport(Http),
        }).AsIChatClient();
        _history = ToMessages(WorkloadCatalog.LongHistory.History!);
    }

    public override bool SendsReasoning => false;

    public override async Task<RunResult> CompleteAsync() => ToResult(await _client.GetResponseAsync(_prompt));

    public override async Task<RunResult> StreamAsync()
    {
        var content = new StringBuilder();
        StringBuilder? reasoning = null;
        FunctionCallContent? call = null;
        var totalTokens = 0;
        await foreach (var update in _client.GetStreamingResponseAsync(_prompt))
        {
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case TextContent text:
                        content.Append(text.Text);
                        break;
                    case TextReasoningContent thought:
                        (reasoning ??= new StringBuilder()).Append(thought.Text);
                        break;
                    case FunctionCallContent function:
                        call = function;
                        break;
                    case UsageContent usage:
                        totalTokens = (int)(usage.Details.TotalTokenCount ?? 0);
                        break;
                }
            }
        }

        var finalText = content.ToString();
        var reasoningText = reasoning?.ToString();
        return new RunResult(finalText.Length, reasoningText?.Length ?? 0, totalTokens, call?.Name, FieldChars(call), ArgumentsAreParsed: true);
    }

    public override async Task<RunResult> CompleteHistoryAsync() =>
        ToResult(await _client.GetResponseAsync(_history)) with { RequestBytes = Handler.LastRequestBytes, SentReasoning = false };

    private static RunResult ToResult(ChatResponse response)
    {
        int contentLength = 0, reasoningLength = 0;
        FunctionCallContent? call = null;
        foreach (var message in response.Messages)
        {
            foreach (var item in message.Contents)
            {
                switch (item)
                {
                    case TextContent text:
                        contentLength += text.Text.Length;
                        break;
                    case TextReasoningContent thought:
                        reasoningLength += thought.Text.Length;
                        break;
                    case FunctionCallContent function:
                        call = function;
                        break;
                }
            }
        }

        return new RunResult(contentLength, reasoningLength, (int)(response.Usage?.TotalTokenCount ?? 0), call?.Name, FieldChars(call), ArgumentsAreParsed: true);
    }

    /// <summary>MEAI hands arguments over parsed: count key and string-value characters.</summary>
    private static int FieldChars(FunctionCallContent? call)
    {
        if (call?.Arguments is not { } arguments)
        {
            return 0;
        }

        var chars = 0;
        foreach (var (key, value) in arguments)
        {
            chars += key.Length + value switch
            {
                string s => s.Length,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!.Length,
                _ => 0,
            };
        }

        return chars;
    }

    private static ChatMessage[] ToMessages(AgentHistory history)
    {
        var messages = new List<ChatMessage>(history.MessageCount) { new(ChatRole.System, history.System), new(ChatRole.User, history.Task) };
        foreach (var turn in history.Turns)
        {
            // What MEAI's own agent loop (FunctionInvokingChatClient) keeps: parsed arguments, reasoning as content.
            var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(turn.Arguments);
            messages.Add(new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(turn.Reasoning), new FunctionCallContent(turn.CallId, turn.ToolName, arguments)]));
            messages.Add(new ChatMessage(ChatRole.Tool, [new FunctionResultContent(turn.CallId, turn.Result)]));
        }

        return [.. messages];
    }
}
